import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DamagedFileError, describeValue, ErrorCode, KdrillError, printable, quoteText } from '../common/errors.js';
import { dropTornLastLine, fileType, parseJsonText, readJsonLines, type JsonLinesLimits } from '../common/jsonl-file.js';
import { type RunResult } from '../engine/index.js';
import { RUN_STATUSES } from '../journal/index.js';
import { explainIssues } from '../scenario/zod-issues.js';
import type { Plan } from '../scenario/plan-types.js';

// Every run appends one line to `history.jsonl` beside its run directory (reports/ by
// default), so the monthly checks of one scenario read as a series.
export const HISTORY_FILE = 'history.jsonl';

// One run as `history.jsonl` holds it; read back against this schema (unknown extra fields
// are allowed, so a later kdrill may add some).
export const historyRecordSchema = z.object({
  runId: z.string(),
  scenario: z.string(),
  cadence: z.string().optional(),
  tier: z.string(),
  backend: z.string(),
  startedWall: z.string(),
  durationMs: z.number(),
  status: z.enum(RUN_STATUSES),
  rtoMs: z.number().optional(),
  rpoMs: z.number().optional(),
  lostWrites: z.number().optional(),
  runDir: z.string(),
}).meta({ expected: 'a run record (an object)' });
export type HistoryRecord = Readonly<z.infer<typeof historyRecordSchema>>;

// Bounds of the history read back: a record is a few hundred bytes, so 1 MiB a line is
// generous, and 64 MiB holds some 200,000 runs.
export const HISTORY_LIMITS = {
  maxLineBytes: 1024 * 1024,
  maxFileBytes: 64 * 1024 * 1024,
  maxNesting: 8,
} as const satisfies JsonLinesLimits;

// The run's figure (the worst window), not a fault's own.
const measured = (result: RunResult, name: string) => result.measurements.findLast((m) => m.name === name && m.fault === undefined)?.value;

export function historyRecordOf(plan: Plan, result: RunResult, runDir: string): HistoryRecord {
  const rto = measured(result, 'rto');
  const rpo = measured(result, 'rpo');
  const lost = measured(result, 'lost-writes');
  return {
    runId: result.runId,
    scenario: plan.scenario.name,
    ...(plan.scenario.cadence ? { cadence: plan.scenario.cadence } : {}),
    tier: plan.targets.tier,
    backend: plan.backend,
    startedWall: result.startedWall,
    durationMs: result.durationMs,
    status: result.status,
    ...(rto !== undefined ? { rtoMs: rto } : {}),
    ...(rpo !== undefined ? { rpoMs: rpo } : {}),
    ...(lost !== undefined ? { lostWrites: lost } : {}),
    runDir,
  };
}

// One line, appended: concurrent runs each add a whole line (short appends are atomic). A
// file that does not end in a newline (an append cut short) gets one first, so the record is not
// glued to the torn line; reading then names that line. Anything but a regular file is refused
// (O_NONBLOCK: a FIFO must not hang the end of a drill).
/** @throws KdrillError RUN_DIR when history.jsonl is not a regular file or cannot be written. */
export async function appendHistory(file: string, record: HistoryRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK, 0o644);
  } catch (cause) {
    throw new KdrillError(ErrorCode.RUN_DIR, `cannot open the run history ${file}`, { cause });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new KdrillError(ErrorCode.RUN_DIR, printable(`${file}: Expected the run history to be a regular file, got ${fileType(stats)}`));
    // A record a crash cut short is dropped, so this one starts on its own line.
    await dropTornLastLine(handle);
    await handle.write(`${JSON.stringify(record)}\n`);
  } finally {
    await handle.close();
  }
}

// Every record in the file, oldest first; a file that does not exist yet holds none. A last line
// cut short (a crash mid-append) is left out and returned as `truncated`.
/**
 * @throws DamagedFileError HISTORY_CORRUPT (invalid input) naming file:line: not a regular file,
 * too large (HISTORY_LIMITS), a line too long, not JSON, or not a run record.
 */
export async function readHistory(file: string, limits: JsonLinesLimits = HISTORY_LIMITS): Promise<{ records: HistoryRecord[]; truncated?: { line: number; text: string } }> {
  const records: HistoryRecord[] = [];
  let truncated: { line: number; text: string } | undefined;
  const corrupt = (line: number, message: string) =>
    new DamagedFileError(ErrorCode.HISTORY_CORRUPT, file, line, message, { hint: 'the history is one JSON run record per line, appended by every `kdrill run`; fix or remove that line' });
  for await (const { line, text, terminated, utf8 } of readJsonLines({ file, noun: 'run history', code: ErrorCode.HISTORY_CORRUPT, limits }, { missingOk: true })) {
    if (text.trim() === '') continue; // a newline added after a torn append
    const parsed = utf8 ? parseJsonText(text, limits.maxNesting) : undefined;
    if (!parsed?.ok) {
      if (!terminated) {
        truncated = { line, text };
        continue;
      }
      throw corrupt(line, `Expected line ${line} to be a run record (a JSON object), got ${quoteText(text)} (${parsed?.why ?? 'not UTF-8'})`);
    }
    const checked = historyRecordSchema.safeParse(parsed.value);
    if (!checked.success) {
      const issues = explainIssues(historyRecordSchema, parsed.value, checked.error.issues);
      const first = issues[0]?.path.length === 0 ? `Expected a run record (a JSON object), got ${describeValue(parsed.value)}` : `run record: ${issues[0]?.message ?? 'Expected a run record'}`;
      throw corrupt(line, `${first}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`);
    }
    records.push(checked.data);
  }
  records.sort((a, b) => a.startedWall.localeCompare(b.startedWall));
  return truncated ? { records, truncated } : { records };
}

export interface Regression {
  readonly scenario: string;
  readonly what: string; // one line a person reads
}

// How far the latest run may drift from the runs before it before it is called a regression.
const WINDOW = 5; // the previous runs compared against
const RATIO = 1.5; // worse than 1.5 × their median…
const SLACK_MS = 1_000; // …and by more than a second (timings on a shared machine jitter)

/**
 * The latest run of each scenario against the ones before it: a status that was passed and no
 * longer is, or an RTO or RPO worse than 1.5 × the median of the previous five runs (and by
 * more than a second).
 */
export function regressions(records: readonly HistoryRecord[]): Regression[] {
  const out: Regression[] = [];
  for (const [scenario, runs] of byScenario(records)) {
    const latest = runs.at(-1)!;
    const before = runs.slice(-1 - WINDOW, -1);
    if (before.length === 0) continue;
    const previous = before.at(-1)!;
    if (previous.status === 'passed' && latest.status !== 'passed') out.push({ scenario, what: `${latest.status} after a passed run (${previous.runId})` });
    for (const [label, key] of [['RTO', 'rtoMs'], ['RPO', 'rpoMs']] as const) {
      const value = latest[key];
      const past = before.map((r) => r[key]).filter((v): v is number => v !== undefined);
      if (value === undefined || past.length === 0) continue;
      const median = medianOf(past);
      if (value > median * RATIO && value - median > SLACK_MS) {
        out.push({ scenario, what: `${label} ${seconds(value)} in the latest run, against a median of ${seconds(median)} over the ${past.length} before (+${Math.round((100 * (value - median)) / Math.max(median, 1))} %)` });
      }
    }
  }
  return out;
}

export function byScenario(records: readonly HistoryRecord[]): Map<string, HistoryRecord[]> {
  const map = new Map<string, HistoryRecord[]>();
  for (const r of records) map.set(r.scenario, [...(map.get(r.scenario) ?? []), r]);
  return map;
}

const medianOf = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
