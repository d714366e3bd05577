import type { SerializedError } from '../common/errors.js';
import type { RevertRecord } from '../faults/types.js';
import type { Plan } from '../scenario/plan-types.js';
import type { LoadSummary } from '../load/types.js';

// Milliseconds on the harness's one monotonic clock, measured from the run's start.
export type MonoTime = number;

export const RUN_STATUSES = ['passed', 'targets-missed', 'integrity-failed', 'aborted', 'interrupted', 'errored', 'cleanup-incomplete'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

// Every fact of a run, in order. Reports are recomputed from these alone.
export type JournalEntry =
  | { kind: 'run-start'; at: MonoTime; wall: string; runId: string; plan: Plan; kdrillVersion: string }
  | { kind: 'phase'; at: MonoTime; phase: 'connect' | 'steady-state-before' | 'warm-up' | 'steps' | 'revert' | 'steady-state-after' | 'verify' | 'report' }
  | { kind: 'step-invoke'; at: MonoTime; step: string; op: string }
  | { kind: 'step-complete'; at: MonoTime; step: string; outcome: 'ok' | 'fail' | 'info'; detail?: unknown; error?: SerializedError }
  | { kind: 'fault-armed'; at: MonoTime; fault: string; step: string; revert: RevertRecord }
  | { kind: 'fault-injected'; at: MonoTime; fault: string }
  | { kind: 'fault-reverted'; at: MonoTime; fault: string; reason: RevertReason }
  | { kind: 'fault-revert-failed'; at: MonoTime; fault: string; error: SerializedError }
  | { kind: 'observation'; at: MonoTime; probe: string; ok: boolean; value?: unknown }
  | { kind: 'checkpoint'; at: MonoTime; step: string; observation?: string; decision?: string; by?: string }
  | { kind: 'load-start'; at: MonoTime; driver: string; detail?: unknown }
  | { kind: 'load-stop'; at: MonoTime; summary: LoadSummary; ledger?: string }
  | { kind: 'abort'; at: MonoTime; reason: string }
  | { kind: 'signal'; at: MonoTime; signal: 'SIGINT' | 'SIGTERM' }
  | { kind: 'run-end'; at: MonoTime; status: RunStatus; error?: SerializedError };

export type JournalEntryKind = JournalEntry['kind'];
export type RevertReason = 'duration-elapsed' | 'revert-step' | 'end-of-drill' | 'error' | 'abort' | 'interrupt' | 'cleanup';

export interface Journal {
  readonly path: string;
  append(entry: JournalEntry): Promise<void>;
}
