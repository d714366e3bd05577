import type { SerializedError } from '../common/errors.js';
import type { FaultType } from '../faults/types.js';
import type { StepKind } from '../scenario/schema/index.js';
import type { EntryOf } from './journal.js';
import type { ResolvedTargets } from '../scenario/plan-types.js';
import type { JournalEntry, MeasurementName, MonoTime, RunStatus } from './journal-types.js';
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

export interface MeasurementResult {
  readonly name: MeasurementName;
  readonly value?: number; // absent: not measured, `why` says why
  readonly unit: 'ms' | 'writes' | 'rows';
  readonly why: string;
}

// A recovery target of the tier, and whether the run met it. `met` is absent when the number
// could not be measured: a report must then say "not measured", never "met".
export interface TargetResult {
  readonly name: 'rto' | 'rpo' | 'lost-writes' | 'steady-state';
  readonly required: number | string;
  readonly measured?: number | string;
  readonly unit: 'ms' | 'writes' | 'check';
  readonly met?: boolean;
  readonly derivation: string;
}

export interface VerificationResult {
  readonly verdict: 'pass' | 'fail' | 'unknown';
  readonly required: boolean;
  readonly summary: string;
  readonly details?: unknown;
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
  readonly measurements: MeasurementResult[];
  readonly targets: TargetResult[];
  readonly evidence: Record<string, VerificationResult>;
  readonly error?: SerializedError;
}

// The status the facts in the journal imply, `error` being the run's own failure if any.
// Precedence: cleanup-incomplete (faults may still be armed) > aborted/interrupted (first stop
// before the revert phase) > errored > integrity-failed (a required verification failed, or a
// restore gave no usable instance) >
// targets-missed (a measured target missed, or the steady state did not return) > passed.
// A journal without run-end is a harness crash.
export function deriveStatus(entries: readonly JournalEntry[], error: SerializedError | undefined, ended: boolean): RunStatus {
  if (pendingReverts(entries).length > 0) return 'cleanup-incomplete';
  if (!ended) return 'errored';
  const revertPhase = entries.findIndex((e) => e.kind === 'phase' && e.phase === 'revert');
  const beforeRevert = revertPhase < 0 ? entries : entries.slice(0, revertPhase);
  const stop = beforeRevert.find((e) => e.kind === 'abort' || e.kind === 'signal');
  if (stop?.kind === 'signal') return 'interrupted';
  if (stop?.kind === 'abort') return 'aborted';
  // A step that failed because the system did not recover (a restore gave no usable instance)
  // fails the drill; any other failure is the harness's or the environment's.
  const failedSteps = entries.filter((e): e is EntryOf<'step-complete'> | EntryOf<'action-repeat'> => (e.kind === 'step-complete' || e.kind === 'action-repeat') && e.outcome === 'fail');
  if ((error && !isRecoveryFailure(error)) || failedSteps.some((s) => !s.error || !isRecoveryFailure(s.error))) return 'errored';
  if (error || failedSteps.length) return 'integrity-failed';
  if (entries.some((e) => e.kind === 'verification' && e.required && e.verdict === 'fail')) return 'integrity-failed';
  const start = entries.find((e): e is EntryOf<'run-start'> => e.kind === 'run-start');
  if (start && targetsOf(entries, start.plan.targets).some((t) => t.met === false)) return 'targets-missed';
  return 'passed';
}

// Whether an error is, or was caused by, the system under test failing to recover.
export function isRecoveryFailure(error: SerializedError): boolean {
  for (let e: SerializedError | undefined = error; e; e = e.cause) if (e.code === 'RECOVERY_FAILED') return true;
  return false;
}

// The run's status recomputed from its journal alone.
export function statusFromJournal(entries: readonly JournalEntry[]): RunStatus {
  const end = entries.findLast((e): e is EntryOf<'run-end'> => e.kind === 'run-end');
  return deriveStatus(entries, end?.error, end !== undefined);
}

export function measurementsOf(entries: readonly JournalEntry[]): MeasurementResult[] {
  return entries
    .filter((e): e is EntryOf<'measurement'> => e.kind === 'measurement')
    .map((m) => ({ name: m.name, ...(m.value !== undefined ? { value: m.value } : {}), unit: m.unit, why: m.why }));
}

// The tier's targets against the journalled measurements (the last of each name counts).
export function targetsOf(entries: readonly JournalEntry[], targets: ResolvedTargets): TargetResult[] {
  const measured = new Map(measurementsOf(entries).map((m) => [m.name, m]));
  const judged = (name: 'rto' | 'rpo' | 'lost-writes', from: MeasurementName, required: number, unit: 'ms' | 'writes'): TargetResult => {
    const m = measured.get(from);
    if (m?.value === undefined) return { name, required, unit, derivation: m ? `not measured: ${m.why}` : 'not measured: the run produced no such measurement' };
    return { name, required, unit, measured: m.value, met: m.value <= required, derivation: m.why };
  };
  const out = [judged('rto', 'rto', targets.rtoMs, 'ms'), judged('rpo', 'rpo', targets.rpoMs, 'ms')];
  if (targets.maxLostWrites !== undefined) out.push(judged('lost-writes', 'lost-writes', targets.maxLostWrites, 'writes'));
  const after = entries.findLast((e): e is EntryOf<'steady-state'> => e.kind === 'steady-state' && e.when === 'after');
  if (after) {
    const failed = after.checks.filter((c) => !c.held);
    out.push({
      name: 'steady-state',
      required: 'every "after" probe holds',
      unit: 'check',
      measured: after.held ? 'held' : `${failed.length} of ${after.checks.length} did not hold`,
      met: after.held,
      derivation: after.checks.map((c) => `${c.probe}: ${c.detail}`).join('; '),
    });
  }
  return out;
}

function evidenceOf(entries: readonly JournalEntry[]): Record<string, VerificationResult> {
  const out: Record<string, VerificationResult> = {};
  for (const e of entries) {
    if (e.kind !== 'verification') continue;
    out[e.verify] = { verdict: e.verdict, required: e.required, summary: e.summary, ...(e.details !== undefined ? { details: e.details } : {}) };
  }
  return out;
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
    measurements: measurementsOf(entries),
    targets: start ? targetsOf(entries, start.plan.targets) : [],
    evidence: evidenceOf(entries),
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
