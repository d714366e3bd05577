import { escapeControl } from './control-chars.js';

// One error family for the whole harness (execa's shape): a stable `code` from one list,
// a one-line `shortMessage` for the terminal, an optional `hint`, and the `cause` chained.

export const ErrorCode = {
  SCENARIO_INVALID: 'SCENARIO_INVALID',
  UNSUPPORTED_FAULT: 'UNSUPPORTED_FAULT',
  TARGET_NOT_ALLOWED: 'TARGET_NOT_ALLOWED',
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  USAGE: 'USAGE',
  RUN_DIR: 'RUN_DIR',
  // A run journal that is missing, not a regular file, too large or damaged: invalid input.
  JOURNAL_CORRUPT: 'JOURNAL_CORRUPT',
  // The run history (history.jsonl) is not a regular file, too large or damaged: invalid input.
  HISTORY_CORRUPT: 'HISTORY_CORRUPT',
  REVERT_FAILED: 'REVERT_FAILED',
  STEP_FAILED: 'STEP_FAILED',
  // The system under test did not recover (a restore that gave no usable instance): a failed
  // drill, not a harness error.
  RECOVERY_FAILED: 'RECOVERY_FAILED',
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface KdrillErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class KdrillError extends Error {
  override readonly name: string = 'KdrillError';
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, shortMessage: string, options: KdrillErrorOptions = {}) {
    super(options.hint ? `${shortMessage}\n${options.hint}` : shortMessage, { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.hint = options.hint;
  }
}

// One problem found in a scenario file, located precisely enough for an editor to jump to it.
export interface ScenarioIssue {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  // On the line that stands for problems left out (past the first hundred): how many.
  omitted?: number;
}

// How many problems a list of issues stands for, counting those left out.
export function problemCount(issues: readonly ScenarioIssue[]): number {
  return issues.reduce((n, issue) => n + (issue.omitted ?? 1), 0);
}

export class ScenarioError extends KdrillError {
  override readonly name = 'ScenarioError';
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[], options: KdrillErrorOptions = {}) {
    const first = issues[0];
    const head = first ? formatIssue(first) : 'invalid scenario';
    const total = problemCount(issues);
    const more = total > 1 ? ` (and ${total - 1} more)` : '';
    super(ErrorCode.SCENARIO_INVALID, head + more, options);
    this.issues = issues;
    this.message = issues.map(formatIssue).join('\n');
  }
}

// `file:line:column: message`, the form editors and CI annotations understand.
// Messages name their field themselves ("Expected `steps[0].at` to be …").
// One line whatever the file name or message holds: a newline in either could forge another issue.
export function formatIssue(issue: ScenarioIssue): string {
  return escapeControl(`${issue.file}:${issue.line}:${issue.column}: ${issue.message}`);
}

// The same for a warning: a problem that does not stop the scenario from loading.
export function formatWarning(issue: ScenarioIssue): string {
  return escapeControl(`${issue.file}:${issue.line}:${issue.column}: warning: ${issue.message}`);
}

export class UnsupportedFaultError extends KdrillError {
  override readonly name = 'UnsupportedFaultError';
  constructor(shortMessage: string, options: KdrillErrorOptions = {}) {
    super(ErrorCode.UNSUPPORTED_FAULT, shortMessage, options);
  }
}

export class TargetNotAllowedError extends KdrillError {
  override readonly name = 'TargetNotAllowedError';
  constructor(shortMessage: string, options: KdrillErrorOptions = {}) {
    super(ErrorCode.TARGET_NOT_ALLOWED, shortMessage, options);
  }
}

// Lists every strategy tried and why each failed, so the user knows what to fix.
export class BackendUnavailableError extends KdrillError {
  override readonly name = 'BackendUnavailableError';
  readonly attempts: readonly { strategy: string; reason: string }[];
  constructor(shortMessage: string, attempts: readonly { strategy: string; reason: string }[], options: KdrillErrorOptions = {}) {
    const tried = attempts.map((a) => `  - ${a.strategy}: ${a.reason}`).join('\n');
    super(ErrorCode.BACKEND_UNAVAILABLE, shortMessage, {
      ...options,
      hint: [tried, options.hint].filter(Boolean).join('\n') || undefined,
    });
    this.attempts = attempts;
  }
}

export class UsageError extends KdrillError {
  override readonly name = 'UsageError';
  constructor(shortMessage: string, options: KdrillErrorOptions = {}) {
    super(ErrorCode.USAGE, shortMessage, options);
  }
}

// A file kdrill reads back (a run journal, the run history) that is missing, not a regular
// file, too large, or damaged at `line`. The message starts with `file:line:` (or `file:`), as
// editors and CI annotations understand, and never holds a raw control character.
export class DamagedFileError extends KdrillError {
  override readonly name = 'DamagedFileError';
  constructor(
    code: ErrorCode,
    readonly file: string,
    readonly line: number | undefined,
    // What is wrong, without the file:line in front ("Expected line 3 to be …").
    readonly detail: string,
    options: KdrillErrorOptions = {},
  ) {
    super(code, printable(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`), options);
  }
}

// Text safe to print: control and invisible characters escaped (see control-chars.ts).
export function printable(text: string): string {
  return escapeControl(text);
}

// "`{oops`": raw text (a line that is not JSON) as a message quotes it: at most 60 characters,
// control characters escaped.
export function quoteText(text: string, max = 60): string {
  return `\`${printable(truncate(text, max))}\``;
}

// Plain JSON form of an error, for the journal and reports.
export interface SerializedError {
  name: string;
  code?: string;
  message: string;
  cause?: SerializedError;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error instanceof KdrillError) out.code = error.code;
    if (error.cause !== undefined) out.cause = serializeError(error.cause);
    return out;
  }
  return { name: 'NonError', message: describeValue(error) };
}

// "`"ninety"` (string)": how a received value is shown in every validation message.
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return '`null`';
  if (Array.isArray(value)) return `\`${truncate(jsonOf(value))}\` (array)`;
  if (typeof value === 'object') return `\`${truncate(jsonOf(value))}\` (object)`;
  if (typeof value === 'string') return `\`${truncate(JSON.stringify(value))}\` (string)`;
  return `\`${String(value)}\` (${typeof value})`;
}

// A value that contains itself has no JSON form; it must still be describable.
function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? '[…]' : '{…}';
  }
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
