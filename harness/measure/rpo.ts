import type { JournalEntry } from '../journal/entries.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../model/writes.js';
import { ServerAcks } from './servers.js';
import type { FaultWindow, Measurement } from './types.js';
import { windowAt } from './windows.js';

const ACKED = OUTCOMES.indexOf('acked');
const FAILED = OUTCOMES.indexOf('failed');
const LISTED = 20; // ids named in the evidence; the counts are always complete

// What the database holds after recovery, as read back by the ledger verifier.
export interface Readback {
  has(id: number): boolean;
  readonly phantoms: readonly number[]; // ids present that the ledger never sent
}

export interface MissingAcknowledged {
  readonly acknowledged: number; // acknowledged writes considered
  readonly missing: number; // of those, absent from the read-back
  readonly ids: readonly number[]; // the first `listed` missing ids, in id order
}

// The acknowledged writes a read-back lacks. With `ackedBefore`, only writes acknowledged
// before it count: a read that began then cannot show writes committed after.
export function missingAcknowledged(ledger: Ledger, readback: Readback, listed = LISTED, ackedBefore = Number.POSITIVE_INFINITY): MissingAcknowledged {
  let acknowledged = 0;
  let missing = 0;
  const ids: number[] = [];
  ledger.forEach((id, _sentAt, endAt, outcome) => {
    if (outcome !== ACKED || endAt >= ackedBefore) return;
    acknowledged++;
    if (readback.has(id)) return;
    missing++;
    if (ids.length < listed) ids.push(id);
  });
  return { acknowledged, missing, ids };
}

// The writes one fault lost.
export interface WindowLoss {
  lost: number; // every lost write attributed to the fault, split-brain ones included
  split: number;
  ids: number[];
  oldestAck: number; // over the lost writes that set the RPO (not split-brain)
  oldestSent: number;
  rpoWrites: number;
}

export interface LossMeasurement {
  readonly byFault: ReadonlyMap<string, WindowLoss>;
  readonly lost: Measurement; // run total
  readonly splitBrain: Measurement;
  readonly inDoubt: Measurement; // in doubt or still pending when the load stopped
  readonly phantoms: Measurement;
  readonly failedPresent: Measurement; // the server said no, the row is there: corruption
  readonly unattributed: number; // lost with no fault to blame
}

const newLoss = (): WindowLoss => ({ lost: 0, split: 0, ids: [], oldestAck: Number.POSITIVE_INFINITY, oldestSent: Number.POSITIVE_INFINITY, rpoWrites: 0 });

/**
 * Lost writes: acknowledged ids missing after recovery. A lost write is a split-brain write when
 * the server that acknowledged it did so while another server was also serving writes (two
 * writable primaries): inside a stretch of that server's writes, each from its send to its
 * acknowledgement, none further than `servingGapMs` from the next). Every other lost write belongs to the fault whose window holds the moment its history was
 * abandoned: the first acknowledgement by another server after it, or, when no other server ever
 * acknowledged after it (the same server came back without it), the first fault that took effect
 * after it was sent. In-doubt and still-pending writes may be present or absent: never lost,
 * always reported. A failed write that is present, and a row never sent, are corruption.
 */
export function measureLoss(ledger: Ledger, readback: Readback, windows: readonly FaultWindow[], servingGapMs: number, from: readonly JournalEntry[]): LossMeasurement {
  const servers = new ServerAcks(ledger, servingGapMs);
  const byFault = new Map<string, WindowLoss>(windows.map((w) => [w.fault, newLoss()]));
  const lostIds: number[] = [];
  const splitIds: number[] = [];
  const failedPresentIds: number[] = [];
  const splitBy = new Map<number, number>();
  let lost = 0;
  let split = 0;
  let inDoubt = 0;
  let inDoubtPresent = 0;
  let failedPresent = 0;
  let unattributed = 0;
  ledger.forEach((id, sentAt, endAt, outcome, node) => {
    const present = readback.has(id);
    if (outcome === FAILED) {
      if (present) {
        failedPresent++;
        if (failedPresentIds.length < LISTED) failedPresentIds.push(id);
      }
      return;
    }
    if (outcome !== ACKED) {
      inDoubt++;
      if (present) inDoubtPresent++;
      return;
    }
    if (present) return;
    lost++;
    if (lostIds.length < LISTED) lostIds.push(id);
    const twoPrimaries = node !== 0 && servers.otherServing(node, endAt) !== undefined;
    const abandonedAt = node !== 0 ? servers.firstOtherAfter(node, endAt) : undefined;
    const window = twoPrimaries
      ? windowAt(windows, endAt)
      : abandonedAt !== undefined && abandonedAt >= (windows[0]?.t0 ?? Number.POSITIVE_INFINITY)
        ? windowAt(windows, abandonedAt)
        : (windows.find((w) => w.t0 >= sentAt) ?? windowAt(windows, endAt));
    const loss = window ? byFault.get(window.fault)! : undefined;
    if (!loss) {
      unattributed++;
      return;
    }
    loss.lost++;
    if (loss.ids.length < LISTED) loss.ids.push(id);
    if (twoPrimaries) {
      split++;
      loss.split++;
      splitBy.set(node, (splitBy.get(node) ?? 0) + 1);
      if (splitIds.length < LISTED) splitIds.push(id);
      return;
    }
    loss.rpoWrites++;
    loss.oldestAck = Math.min(loss.oldestAck, endAt);
    loss.oldestSent = Math.min(loss.oldestSent, sentAt);
  });
  const name = (node: number) => ledger.nodeNames[node - 1] ?? 'an unknown server';
  const identity = servers.known ? '' : ' (the load recorded no server identity, so two primaries cannot be told apart)';
  const m = (value: number, why: string, evidence: Record<string, unknown>): Measurement => ({ value, why, from, evidence });
  return {
    byFault,
    unattributed,
    lost: m(lost, `${lost} acknowledged write${lost === 1 ? '' : 's'} missing after recovery${split ? ` (${split} of them split-brain)` : ''}`, { ids: lostIds, listed: Math.min(lost, LISTED), byFault: Object.fromEntries([...byFault].filter(([, l]) => l.lost).map(([f, l]) => [f, l.lost])), ...(unattributed ? { unattributed } : {}) }),
    splitBrain: m(split, `${split} lost write${split === 1 ? ' was' : 's were'} acknowledged while another server was also acknowledging writes${split ? ` (by ${[...splitBy].map(([node, n]) => `${name(node)}: ${n}`).join(', ')})` : ''}${identity}`, { ids: splitIds, byServer: Object.fromEntries([...splitBy].map(([node, n]) => [name(node), n])) }),
    inDoubt: m(inDoubt, `${inDoubt} write${inDoubt === 1 ? '' : 's'} in doubt or unanswered, ${inDoubtPresent} of them present after recovery`, { present: inDoubtPresent, absent: inDoubt - inDoubtPresent }),
    phantoms: m(readback.phantoms.length, `${readback.phantoms.length} row${readback.phantoms.length === 1 ? '' : 's'} present that were never sent`, { ids: readback.phantoms.slice(0, LISTED) }),
    failedPresent: m(failedPresent, `${failedPresent} write${failedPresent === 1 ? '' : 's'} the server refused (proved uncommitted) ${failedPresent === 1 ? 'is' : 'are'} present after recovery`, { ids: failedPresentIds }),
  };
}

// One fault's lost writes and RPO, as an interval: from t0 minus the acknowledgement time to t0
// minus the send time of the oldest lost write (the commit lies between). The value is the upper
// end, so a target is judged on the most that may have been lost.
export function windowLoss(window: FaultWindow, loss: WindowLoss | undefined, uncertaintyMs: number, from: readonly JournalEntry[]): { lost: Measurement; rpo: Measurement } {
  const l = loss ?? newLoss();
  const lost: Measurement = { value: l.lost, why: `${l.lost} acknowledged write${l.lost === 1 ? '' : 's'} lost by this fault${l.split ? ` (${l.split} split-brain)` : ''}`, from, evidence: { ids: l.ids, listed: Math.min(l.lost, LISTED), splitBrain: l.split } };
  if (l.rpoWrites === 0) return { lost, rpo: { value: 0, why: l.split ? 'every write this fault lost was a split-brain write' : 'no acknowledged write was lost', from, evidence: { lower: 0, upper: 0, ...(uncertaintyMs ? { uncertaintyMs } : {}) } } };
  const lower = Math.max(0, window.t0 - l.oldestAck);
  const upper = Math.max(0, window.t0 - l.oldestSent);
  return {
    lost,
    rpo: {
      value: upper,
      why: `${l.rpoWrites} lost write${l.rpoWrites === 1 ? '' : 's'}; the oldest was committed between ${Math.round(lower)} and ${Math.round(upper)} ms before t0 (sent ${window.t0 - l.oldestSent >= 0 ? 'before' : 'after'} t0, acknowledged ${window.t0 - l.oldestAck >= 0 ? 'before' : 'after'})`,
      from,
      evidence: { lower, upper, oldestSent: l.oldestSent, oldestAck: l.oldestAck, writes: l.rpoWrites, ...(uncertaintyMs ? { uncertaintyMs } : {}) },
    },
  };
}

