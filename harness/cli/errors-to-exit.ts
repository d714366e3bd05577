import { escapeControl } from '../common/control-chars.js';
import { ErrorCode, KdrillError, ScenarioError, formatIssue, problemCount } from '../common/errors.js';
import type { RunStatus } from '../journal/entries.js';
import { ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

// Every failure the CLI can see, classified into the one exit-code table.
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof KdrillError) {
    switch (error.code) {
      case ErrorCode.SCENARIO_INVALID:
      case ErrorCode.UNSUPPORTED_FAULT:
      case ErrorCode.TARGET_NOT_ALLOWED:
      case ErrorCode.USAGE:
      // A journal or history that kdrill reads back and finds missing or damaged is bad input,
      // not a harness failure: the message names the file and line.
      case ErrorCode.JOURNAL_CORRUPT:
      case ErrorCode.HISTORY_CORRUPT:
        return ExitCode.invalidInput;
      case ErrorCode.REVERT_FAILED:
        return ExitCode.cleanupIncomplete;
      default:
        return ExitCode.harnessError;
    }
  }
  return ExitCode.harnessError;
}

export function exitCodeForStatus(status: RunStatus): ExitCode {
  const table: Record<RunStatus, ExitCode> = {
    passed: ExitCode.passed,
    'targets-missed': ExitCode.targetsMissed,
    'integrity-failed': ExitCode.integrityFailed,
    aborted: ExitCode.aborted,
    interrupted: ExitCode.interrupted,
    errored: ExitCode.harnessError,
    'cleanup-incomplete': ExitCode.cleanupIncomplete,
  };
  return table[status];
}

// Prints an error the way a person can act on: every scenario issue, or the short message and hint.
export function reportError(error: unknown, output: Output, verbose = false): void {
  if (error instanceof ScenarioError) {
    for (const issue of error.issues) output.err(formatIssue(issue));
    const total = problemCount(error.issues);
    output.err(`${total} problem${total === 1 ? '' : 's'} found; nothing was run.`);
    return;
  }
  if (error instanceof KdrillError) {
    output.err(`kdrill: ${escapeControl(error.shortMessage)}`);
    // A hint may list several lines (the strategies tried): each is printed, escaped, on its own.
    if (error.hint) for (const line of error.hint.split('\n')) output.err(escapeControl(line));
    if (verbose && error.cause) output.err(`caused by: ${String((error.cause as Error)?.stack ?? error.cause)}`);
    return;
  }
  output.err(`kdrill: internal error: ${error instanceof Error ? (verbose ? error.stack : error.message) : String(error)}`);
  output.err('This is a bug in kdrill; the run journal (if any) has the details. Re-run with --verbose for a stack trace.');
}
