import type { SerializedError } from '../common/errors.js';
import type { FaultType } from '../model/fault.js';
import type { StepKind } from '../scenario/schema/index.js';
import type { EntryOf } from '../journal/journal.js';
import type { ResolvedTargets } from '../scenario/plan-types.js';
import type { JournalEntry, MeasurementName, RunStatus } from '../journal/entries.js';
import type { MonoTime } from '../model/time.js';
import { pendingReverts } from './revert.js';

export interface FaultResult {
  readonly id: string;
  readonly step: string;
  readonly type: FaultType;
  readonly armedAt: MonoTime; // revert record journalled, just before the harm
  readonly effectiveAt?: MonoTime; // the harm took effect: t0 of its measurement window
  readonly injectedAt?: MonoTime; // the injector returned (later for faults that complete with waiting)
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
  readonly fault?: string; // a fault's own window; absent: the run's figure
  readonly value?: number; // absent: not measured (or not exercised), `why` says why
  readonly notExercised?: true;
  readonly unit: 'ms' | 'writes' | 'rows';
  readonly why: string;
  readonly uncertaintyMs?: number; // ± from a remote load driver's clock
}

// Whether a target holds. Only 'met' passes: a number that could not be measured, or a fault
// that disrupted nothing and so did not exercise the target, is never met. 'not-applicable':
// every fault was declared `expect: no-impact`, so those are judged instead.
export const TARGET_STATUSES = ['met', 'missed', 'not-measured', 'not-exercised', 'not-applicable'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

// A recovery target of the tier (or of a fault declared `expect: no-impact`), and whether the
// run met it. `met` is present only when the number was measured.
export interface TargetResult {
  readonly name: 'rto' | 'rpo' | 'lost-writes' | 'steady-state' | 'no-impact';
  readonly fault?: string; // the fault a no-impact target is about
  readonly required: number | string;
  readonly measured?: number | string;
  readonly unit: 'ms' | 'writes' | 'check';
  readonly status: TargetStatus;
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
// targets-missed (a target missed, not measured or not exercised, or the steady state did not
// return) > passed.
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
  if (start && targetsOf(entries, start.plan.targets).some(targetFails)) return 'targets-missed';
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
    .map((m) => {
      const uncertainty = (m.evidence as { uncertaintyMs?: unknown } | undefined)?.uncertaintyMs;
      return { name: m.name, ...(m.fault ? { fault: m.fault } : {}), ...(m.value !== undefined ? { value: m.value } : {}), ...(m.notExercised ? { notExercised: true as const } : {}), unit: m.unit, why: m.why, ...(typeof uncertainty === 'number' && uncertainty > 0 ? { uncertaintyMs: uncertainty } : {}) };
    });
}

// A target fails the drill unless it was met.
export const targetFails = (t: TargetResult): boolean => t.status !== 'met' && t.status !== 'not-applicable';

// The tier's targets against the run's journalled figures (the last of each name counts), and
// one no-impact target per fault declared `expect: no-impact`, against its window's RTO.
export function targetsOf(entries: readonly JournalEntry[], targets: ResolvedTargets): TargetResult[] {
  const all = entries.filter((e): e is EntryOf<'measurement'> => e.kind === 'measurement');
  const measured = new Map(all.filter((m) => !m.fault).map((m) => [m.name, m]));
  const judged = (name: 'rto' | 'rpo' | 'lost-writes', from: MeasurementName, required: number, unit: 'ms' | 'writes'): TargetResult => {
    const m = measured.get(from);
    if (!m) return { name, required, unit, status: 'not-measured', derivation: 'not measured: the run produced no such measurement' };
    if (m.notExercised) {
      const expected = (m.evidence as { expectedNoImpact?: unknown } | undefined)?.expectedNoImpact === true;
      return { name, required, unit, status: expected ? 'not-applicable' : 'not-exercised', derivation: `${expected ? 'not applicable' : 'not exercised'}: ${m.why}` };
    }
    if (m.value === undefined) return { name, required, unit, status: 'not-measured', derivation: `not measured: ${m.why}` };
    const met = m.value <= required;
    return { name, required, unit, measured: m.value, status: met ? 'met' : 'missed', met, derivation: m.why };
  };
  const out = [judged('rto', 'rto', targets.rtoMs, 'ms'), judged('rpo', 'rpo', targets.rpoMs, 'ms')];
  if (targets.maxLostWrites !== undefined) out.push(judged('lost-writes', 'lost-writes', targets.maxLostWrites, 'writes'));
  out.push(...noImpactTargets(entries, all));
  const after = entries.findLast((e): e is EntryOf<'steady-state'> => e.kind === 'steady-state' && e.when === 'after');
  if (after) {
    const failed = after.checks.filter((c) => !c.held);
    out.push({
      name: 'steady-state',
      required: 'every "after" probe holds',
      unit: 'check',
      measured: after.held ? 'held' : `${failed.length} of ${after.checks.length} did not hold`,
      status: after.held ? 'met' : 'missed',
      met: after.held,
      derivation: after.checks.map((c) => `${c.probe}: ${c.detail}`).join('; '),
    });
  }
  return out;
}

// A fault declared `expect: no-impact` is met when its window's RTO says clients saw nothing.
function noImpactTargets(entries: readonly JournalEntry[], measurements: readonly EntryOf<'measurement'>[]): TargetResult[] {
  const start = entries.find((e): e is EntryOf<'run-start'> => e.kind === 'run-start');
  const expected = (start?.plan.steps ?? []).filter((s) => s.kind === 'fault' && s.fault.expect === 'no-impact');
  return expected.map((step): TargetResult => {
    const fault = entries.find((e): e is EntryOf<'fault-armed'> => e.kind === 'fault-armed' && e.step === step.id)?.fault;
    const rto = fault ? measurements.findLast((m) => m.name === 'rto' && m.fault === fault) : undefined;
    const base = { name: 'no-impact' as const, ...(fault ? { fault } : {}), required: 'no client impact', unit: 'check' as const };
    if (!rto) return { ...base, status: 'not-measured', derivation: fault ? `not measured: no figure of ${fault}'s window` : `not measured: step ${step.id} armed no fault` };
    if (rto.notExercised) return { ...base, measured: 'no impact', status: 'met', met: true, derivation: rto.why };
    if (rto.value === undefined) {
      // Interrupted and never restored in its window is an impact too, only without an RTO.
      const impact = measurements.findLast((m) => m.name === 'time-to-impact' && m.fault === fault);
      if (impact?.value !== undefined) return { ...base, measured: `clients interrupted ${Math.round(impact.value)} ms after t0, not restored in the window`, status: 'missed', met: false, derivation: `${impact.why}; ${rto.why}` };
      return { ...base, status: 'not-measured', derivation: `not measured: ${rto.why}` };
    }
    return { ...base, measured: `clients interrupted (RTO ${Math.round(rto.value)} ms)`, status: 'missed', met: false, derivation: rto.why };
  });
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
      const effective = entries.find((e) => e.kind === 'fault-effective' && e.fault === armed.fault);
      const injected = entries.find((e) => e.kind === 'fault-injected' && e.fault === armed.fault);
      const reverted = entries.find((e) => e.kind === 'fault-reverted' && e.fault === armed.fault);
      return {
        id: armed.fault,
        step: armed.step,
        type: armed.revert.type,
        armedAt: armed.at,
        ...(effective ? { effectiveAt: effective.at } : {}),
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
