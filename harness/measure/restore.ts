import type { EntryOf } from '../journal/journal.js';
import type { JournalEntry } from '../journal/entries.js';
import type { MonoTime } from '../model/time.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../model/writes.js';
import type { Readback } from './rpo.js';
import { faultWindows, windowAt } from './windows.js';
import { monoTimeAt } from '../journal/wall-clock.js';
import { unmeasured, type Measurement } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');
const LISTED = 20;

// A restore step as the journal tells it: when it was decided, when it ended, what it did.
export interface RestoreStep {
  readonly step: string;
  readonly into: 'scratch-instance' | 'fresh-cluster'; // as the scenario asked
  readonly decidedAt: MonoTime; // step-invoke: the decision to restore
  readonly endedAt?: MonoTime; // step-complete: a writable instance, or the failure
  readonly ok: boolean;
  readonly detail?: Readonly<Record<string, unknown>>; // what the backend returned
  readonly error?: string;
  readonly targetAt?: MonoTime; // a point-in-time target on the run's clock
}

// The last restore of the run, from the plan in run-start and the step entries.
export function lastRestore(entries: readonly JournalEntry[]): RestoreStep | undefined {
  const start = entries.find((e): e is EntryOf<'run-start'> => e.kind === 'run-start');
  const restores = new Map((start?.plan.steps ?? []).flatMap((s) => (s.kind === 'action' && s.action.type === 'restore' ? [[s.id, s.action.params] as const] : [])));
  const invoke = entries.findLast((e): e is EntryOf<'step-invoke'> => e.kind === 'step-invoke' && restores.has(e.step));
  if (!invoke) return undefined;
  const into = restores.get(invoke.step)?.['into'] === 'fresh-cluster' ? 'fresh-cluster' : 'scratch-instance';
  const complete = entries.find((e): e is EntryOf<'step-complete'> => e.kind === 'step-complete' && e.step === invoke.step);
  const detail = complete?.detail && typeof complete.detail === 'object' ? (complete.detail as Record<string, unknown>) : undefined;
  const target = typeof detail?.['target'] === 'string' && detail['target'] !== 'latest' ? new Date(detail['target']) : undefined;
  const targetAt = target && !Number.isNaN(target.getTime()) ? monoTimeAt(entries, target) : undefined;
  return {
    step: invoke.step,
    into,
    decidedAt: invoke.at,
    ...(complete ? { endedAt: complete.at } : {}),
    ok: complete?.outcome === 'ok',
    ...(detail ? { detail } : {}),
    ...(complete?.error ? { error: complete.error.message } : {}),
    ...(targetAt !== undefined ? { targetAt } : {}),
  };
}

export interface RestoreMeasurement {
  readonly rpo: Measurement; // failure time − recovery point
  readonly lost: Measurement; // acknowledged before the failure time, absent from the restore
  // Corruption of the restore: acknowledged writes missing although a later write is present
  // (holes), and writes sent after a point-in-time target that are present anyway (overshoot).
  readonly holes: { readonly count: number; readonly ids: readonly number[] };
  readonly overshoot: { readonly count: number; readonly ids: readonly number[] };
  readonly recoveryPointAt?: MonoTime;
  readonly recoveryPointId?: number;
  readonly failureAt: MonoTime;
}

// The fault that caused the restore (the last one that took effect before the decision to
// restore), and the entries the restore's measurements come from: its t0 and the step's own.
function sources(entries: readonly JournalEntry[], restore: RestoreStep): { fault: { fault: string; at: MonoTime } | undefined; from: JournalEntry[] } {
  const window = windowAt(faultWindows(entries), restore.decidedAt);
  const from: JournalEntry[] = entries.filter((e) => (e.kind === 'step-invoke' || e.kind === 'step-complete') && e.step === restore.step);
  const t0 = window && entries.find((e) => (e.kind === 'fault-effective' || e.kind === 'fault-injected') && e.fault === window.fault);
  if (t0) from.unshift(t0);
  return { fault: window && { fault: window.fault, at: window.t0 }, from };
}

// RTO of a restore: decision → a writable instance (the step), plus the time to verify it.
export function restoreRto(entries: readonly JournalEntry[], restore: RestoreStep, verifyMs: number): Measurement {
  const { from } = sources(entries, restore);
  if (!restore.ok || restore.endedAt === undefined) return unmeasured(`the restore gave no usable instance${restore.error ? `: ${restore.error}` : ''}`, from);
  const writableMs = restore.endedAt - restore.decidedAt;
  return { value: writableMs + verifyMs, why: `restore: ${Math.round(writableMs)} ms from the decision to a writable instance, then ${Math.round(verifyMs)} ms to verify it`, from, evidence: { decidedAt: restore.decidedAt, writableAt: restore.endedAt, verifyMs } };
}

/**
 * The recovery a restore achieved. The failure time is t0 of the fault that caused the restore
 * (the last one that took effect before the decision to restore), else the decision itself.
 * WAL replay restores a prefix of the commits, so a write acknowledged before a present write
 * was even sent must be there: missing, it is a hole (corruption), not an RPO loss. The
 * recovery point is the end of the longest clean prefix: the newest acknowledgement among the
 * acknowledged writes present before the first hole (all of them when there is none); RPO =
 * failure time − recovery point. `horizon`: writes sent later are not the restore's (a rebuilt
 * cluster took them afterwards) and are left out of every figure.
 */
export function measureRestore(entries: readonly JournalEntry[], ledger: Ledger, readback: Readback, restore: RestoreStep, horizon = Number.POSITIVE_INFINITY): RestoreMeasurement {
  const { fault, from } = sources(entries, restore);
  const failureAt = fault?.at ?? restore.decidedAt;
  let newestPresentSent = Number.NEGATIVE_INFINITY;
  ledger.forEach((_id, sentAt) => {
    if (sentAt <= horizon && readback.has(_id) && sentAt > newestPresentSent) newestPresentSent = sentAt;
  });
  let recoveryPointAt = Number.NEGATIVE_INFINITY;
  let recoveryPointId = 0;
  let clean = true;
  const lostIds: number[] = [];
  const holes: number[] = [];
  const overshoot: number[] = [];
  let lost = 0;
  let holeCount = 0;
  let overshootCount = 0;
  ledger.forEach((id, sentAt, endAt, outcome) => {
    if (sentAt > horizon) return;
    const present = readback.has(id);
    if (present && restore.targetAt !== undefined && sentAt > restore.targetAt) {
      overshootCount++;
      if (overshoot.length < LISTED) overshoot.push(id);
    }
    if (outcome !== ACKED) return;
    if (present) {
      if (clean && endAt > recoveryPointAt) {
        recoveryPointAt = endAt;
        recoveryPointId = id;
      }
      return;
    }
    if (endAt < newestPresentSent) {
      clean = false;
      holeCount++;
      if (holes.length < LISTED) holes.push(id);
    } else if (endAt <= failureAt) {
      lost++;
      if (lostIds.length < LISTED) lostIds.push(id);
    }
  });
  const failureText = fault ? `t0 of fault ${fault.fault}` : 'the decision to restore';
  const holeText = holeCount ? ` (the end of the clean prefix: ${holeCount} acknowledged write${holeCount === 1 ? ' is' : 's are'} missing after it although later writes are present)` : '';
  const measured = (value: number, why: string, evidence: Record<string, unknown>): Measurement => ({ value, why, from, evidence });
  const found = Number.isFinite(recoveryPointAt);
  return {
    rpo: found
      ? measured(
          Math.max(0, failureAt - recoveryPointAt),
          recoveryPointAt <= failureAt
            ? `restore: the recovery point, write ${recoveryPointId}${holeText}, was acknowledged ${Math.round(failureAt - recoveryPointAt)} ms before ${failureText}`
            : `restore: the recovery point, write ${recoveryPointId}${holeText}, was acknowledged ${Math.round(recoveryPointAt - failureAt)} ms after ${failureText} (its WAL was archived while the restore ran), so nothing before it is missing`,
          { recoveryPointAt, recoveryPointId, failureAt, ...(fault ? { fault: fault.fault } : {}), holes: holeCount },
        )
      : unmeasured('the restored data holds no acknowledged write before its first hole, so it has no recovery point', from),
    lost: measured(lost, `restore: ${lost} write${lost === 1 ? '' : 's'} acknowledged before ${failureText} but not in the restored data`, { ids: lostIds, listed: Math.min(lost, LISTED) }),
    holes: { count: holeCount, ids: holes },
    overshoot: { count: overshootCount, ids: overshoot },
    ...(found ? { recoveryPointAt, recoveryPointId } : {}),
    failureAt,
  };
}
