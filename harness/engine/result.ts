import type { SerializedError } from '../common/errors.js';
import type { FaultType } from '../faults/types.js';
import type { StepKind } from '../scenario/schema/index.js';
import type { EntryOf } from './journal.js';
import type { JournalEntry, MonoTime, RunStatus } from './journal-types.js';
import { pendingReverts } from './revert.js';

export interface FaultResult {
  readonly id: string;
  readonly step: string;
  readonly type: FaultType;
  readonly armedAt: MonoTime; // revert record journalled, just before the harm
  readonly injectedAt?: MonoTime; // the injector returned: the harm is in effect (t0)
  readonly revertedAt?: MonoTime;
}

export interface StepResult {
  readonly id: string;
  readonly name: string;
  readonly kind: StepKind;
  // 'info': started but its outcome is unknown (stopped mid-way, or the harness died).
  readonly outcome: 'ok' | 'fail' | 'info';
  readonly startedAt: MonoTime;
  readonly endedAt?: MonoTime; // absent when the journal has no step-complete
}

// What a run produced. Everything here is recomputable from the journal (resultFromJournal).
export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly startedWall: string;
  readonly durationMs: number;
  readonly journalPath: string;
  readonly faults: FaultResult[];
  readonly steps: StepResult[];
  // Seams for measurement (RTO/RPO vs tier) and verification: filled by later stages.
  readonly targets: unknown[];
  readonly evidence: Record<string, unknown>;
  readonly error?: SerializedError;
}

// Statuses only measurement and verification can decide; the engine never derives them.
const JUDGED: readonly RunStatus[] = ['targets-missed', 'integrity-failed'];

// The status the facts in the journal imply, `error` being the run's own failure if any.
// Precedence: cleanup-incomplete (faults may still be armed) > aborted/interrupted (first stop
// before the revert phase) > errored > passed. A journal without run-end is a harness crash.
export function deriveStatus(entries: readonly JournalEntry[], error: SerializedError | undefined, ended: boolean): RunStatus {
  if (pendingReverts(entries).length > 0) return 'cleanup-incomplete';
  if (!ended) return 'errored';
  const revertPhase = entries.findIndex((e) => e.kind === 'phase' && e.phase === 'revert');
  const beforeRevert = revertPhase < 0 ? entries : entries.slice(0, revertPhase);
  const stop = beforeRevert.find((e) => e.kind === 'abort' || e.kind === 'signal');
  if (stop?.kind === 'signal') return 'interrupted';
  if (stop?.kind === 'abort') return 'aborted';
  if (error || entries.some((e) => e.kind === 'step-complete' && e.outcome === 'fail')) return 'errored';
  return 'passed';
}

// The run's status recomputed from its journal alone.
export function statusFromJournal(entries: readonly JournalEntry[]): RunStatus {
  const end = entries.findLast((e): e is EntryOf<'run-end'> => e.kind === 'run-end');
  const derived = deriveStatus(entries, end?.error, end !== undefined);
  if (derived === 'passed' && end && JUDGED.includes(end.status)) return end.status;
  return derived;
}

// The run's result recomputed from its journal alone.
export function resultFromJournal(entries: readonly JournalEntry[], journalPath = ''): RunResult {
  const start = entries.find((e): e is EntryOf<'run-start'> => e.kind === 'run-start');
  const end = entries.findLast((e): e is EntryOf<'run-end'> => e.kind === 'run-end');
  const firstAt = start?.at ?? entries[0]?.at ?? 0;
  const lastAt = end?.at ?? entries.at(-1)?.at ?? firstAt;
  return {
    runId: start?.runId ?? '',
    status: statusFromJournal(entries),
    startedWall: start?.wall ?? '',
    durationMs: lastAt - firstAt,
    journalPath,
    faults: faultsOf(entries),
    steps: stepsOf(entries, start),
    targets: [],
    evidence: {},
    ...(end?.error ? { error: end.error } : {}),
  };
}

function faultsOf(entries: readonly JournalEntry[]): FaultResult[] {
  return entries
    .filter((e): e is EntryOf<'fault-armed'> => e.kind === 'fault-armed')
    .map((armed) => {
      const injected = entries.find((e) => e.kind === 'fault-injected' && e.fault === armed.fault);
      const reverted = entries.find((e) => e.kind === 'fault-reverted' && e.fault === armed.fault);
      return {
        id: armed.fault,
        step: armed.step,
        type: armed.revert.type,
        armedAt: armed.at,
        ...(injected ? { injectedAt: injected.at } : {}),
        ...(reverted ? { revertedAt: reverted.at } : {}),
      };
    });
}

function stepsOf(entries: readonly JournalEntry[], start: EntryOf<'run-start'> | undefined): StepResult[] {
  const planned = new Map((start?.plan.steps ?? []).map((s) => [s.id, s]));
  return entries
    .filter((e): e is EntryOf<'step-invoke'> => e.kind === 'step-invoke')
    .map((invoke) => {
      const complete = entries.find((e): e is EntryOf<'step-complete'> => e.kind === 'step-complete' && e.step === invoke.step);
      const step = planned.get(invoke.step);
      return {
        id: invoke.step,
        name: step?.name ?? invoke.step,
        kind: step?.kind ?? (invoke.op.split(' ')[0] as StepKind),
        outcome: complete?.outcome ?? 'info',
        startedAt: invoke.at,
        ...(complete ? { endedAt: complete.at } : {}),
      };
    });
}
