import type { MonoTime } from '../model/time.js';
import type { SerializedError } from '../common/errors.js';
import type { RevertRecord } from '../model/fault.js';
import type { Plan } from '../scenario/plan-types.js';
import type { LoadSummary } from '../model/load.js';
import type { Topology } from '../model/topology.js';
import type { LoadSeries } from '../model/load.js';

export const RUN_STATUSES = ['passed', 'targets-missed', 'integrity-failed', 'aborted', 'interrupted', 'errored', 'cleanup-incomplete'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

// Which journal entry a number was derived from (its kind and time; the fault for fault entries).
export interface EntryRef {
  readonly kind: string;
  readonly at: MonoTime;
  readonly fault?: string;
}

export const MEASUREMENT_NAMES = [
  'rto',
  'time-to-impact',
  'downtime',
  'time-to-new-primary',
  'time-to-new-leader',
  'time-to-redundancy',
  'lost-writes',
  'rpo',
  'split-brain-writes',
  'in-doubt-writes',
  'phantom-rows',
  'heal-disruption',
  'failed-present-writes',
] as const;
export type MeasurementName = (typeof MEASUREMENT_NAMES)[number];

// One probe as checked for a steady state: whether it held, and what it saw last.
export interface ProbeCheckResult {
  readonly probe: string;
  readonly held: boolean;
  readonly detail: string;
}

// Every fact of a run, in order. Reports are recomputed from these alone.
export type JournalEntry =
  | { kind: 'run-start'; at: MonoTime; wall: string; runId: string; plan: Plan; kdrillVersion: string }
  | { kind: 'phase'; at: MonoTime; phase: 'connect' | 'steady-state-before' | 'warm-up' | 'steps' | 'revert' | 'steady-state-after' | 'verify' | 'report' }
  | { kind: 'step-invoke'; at: MonoTime; step: string; op: string }
  | { kind: 'step-complete'; at: MonoTime; step: string; outcome: 'ok' | 'fail' | 'info'; detail?: unknown; error?: SerializedError }
  // A later run of an action step with `every` (the step's own entries hold the first).
  | { kind: 'action-repeat'; at: MonoTime; step: string; run: number; outcome: 'ok' | 'fail'; detail?: unknown; error?: SerializedError }
  | { kind: 'fault-armed'; at: MonoTime; fault: string; step: string; revert: RevertRecord }
  // The moment the fault's harm took effect (the kill, the link down, the object created),
  // journalled by the injector before any waiting that completes the fault: t0 of its window.
  | { kind: 'fault-effective'; at: MonoTime; fault: string; detail?: Readonly<Record<string, unknown>> }
  // A later step of a fault that completes in the background (NotReady, tainted, evicted).
  | { kind: 'fault-milestone'; at: MonoTime; fault: string; milestone: string; detail?: Readonly<Record<string, unknown>> }
  // The injector returned: the fault is armed and its handle registered.
  | { kind: 'fault-injected'; at: MonoTime; fault: string }
  // The revert began (its harm may linger while it heals: a node rejoining, a replica resyncing).
  | { kind: 'fault-reverting'; at: MonoTime; fault: string; reason: RevertReason }
  | { kind: 'fault-reverted'; at: MonoTime; fault: string; reason: RevertReason }
  | { kind: 'fault-revert-failed'; at: MonoTime; fault: string; error: SerializedError }
  | { kind: 'observation'; at: MonoTime; probe: string; ok: boolean; value?: unknown }
  | { kind: 'checkpoint'; at: MonoTime; step: string; observation?: string; decision?: string; by?: string }
  // What the drill ran on: the topology when it began, component and runtime versions.
  | { kind: 'environment'; at: MonoTime; backend: string; topology?: Topology; versions: Readonly<Record<string, string>>; why?: string }
  | { kind: 'load-start'; at: MonoTime; driver: string; detail?: unknown }
  // `series`: the load over time (the ledger driver only), for the report's chart.
  | { kind: 'load-stop'; at: MonoTime; summary: LoadSummary; ledger?: string; series?: LoadSeries }
  | { kind: 'prepared'; at: MonoTime; verify: string; detail: unknown }
  | { kind: 'steady-state'; at: MonoTime; when: 'before' | 'after'; held: boolean; checks: readonly ProbeCheckResult[] }
  // `fault`: the figure of that fault's window; absent: the run's figure (the worst window).
  // `notExercised`: the fault(s) had no effect this figure could measure: no value, never met.
  | { kind: 'measurement'; at: MonoTime; name: MeasurementName; fault?: string; value?: number; notExercised?: true; unit: 'ms' | 'writes' | 'rows'; why: string; evidence?: unknown; from: readonly EntryRef[] }
  | { kind: 'verification'; at: MonoTime; verify: string; required: boolean; verdict: 'pass' | 'fail' | 'unknown'; summary: string; details?: unknown }
  | { kind: 'abort'; at: MonoTime; reason: string }
  | { kind: 'signal'; at: MonoTime; signal: 'SIGINT' | 'SIGTERM' }
  | { kind: 'run-end'; at: MonoTime; status: RunStatus; error?: SerializedError };

export type JournalEntryKind = JournalEntry['kind'];
export type RevertReason = 'duration-elapsed' | 'revert-step' | 'end-of-drill' | 'error' | 'abort' | 'interrupt' | 'cleanup';

export interface Journal {
  readonly path: string;
  append(entry: JournalEntry): Promise<void>;
}
