import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult, RunStatus } from '../engine/index.js';
import type { Plan } from '../scenario/plan-types.js';

// Every run appends one line to `history.jsonl` beside its run directory (reports/ by
// default), so the monthly checks of one scenario read as a series.
export const HISTORY_FILE = 'history.jsonl';

export interface HistoryRecord {
  readonly runId: string;
  readonly scenario: string;
  readonly cadence?: string;
  readonly tier: string;
  readonly backend: string;
  readonly startedWall: string;
  readonly durationMs: number;
  readonly status: RunStatus;
  readonly rtoMs?: number;
  readonly rpoMs?: number;
  readonly lostWrites?: number;
  readonly runDir: string;
}

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

// One line, appended: concurrent runs each add a whole line (short appends are atomic).
export async function appendHistory(file: string, record: HistoryRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(record)}\n`);
}

// Every record in the file, oldest first; lines that are not records (a torn write) are skipped
// and counted.
export async function readHistory(file: string): Promise<{ records: HistoryRecord[]; skipped: number }> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const records: HistoryRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as HistoryRecord;
      if (typeof r.scenario === 'string' && typeof r.status === 'string' && typeof r.startedWall === 'string') records.push(r);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  records.sort((a, b) => a.startedWall.localeCompare(b.startedWall));
  return { records, skipped };
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
