import type { JournalEntry } from '../engine/journal-types.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';
import { disruptionStart } from './t0.js';
import { unmeasured, type Measurement, type RpoMeasurement } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');
const IN_DOUBT = OUTCOMES.indexOf('in-doubt');
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

/**
 * Lost writes: acknowledged ids missing after recovery. RPO = t0 − the acknowledgement time
 * of the oldest lost write (0 when none is lost). Lost writes acknowledged after t0 are
 * split-brain writes (an old primary kept acknowledging), counted apart. In-doubt writes may
 * be present or absent: never lost, always reported. Phantom rows (never sent) are corruption.
 */
export function measureRpo(entries: readonly JournalEntry[], ledger: Ledger, readback: Readback, fault?: string): RpoMeasurement {
  const start = disruptionStart(entries, fault);
  const t0 = start?.at ?? Number.POSITIVE_INFINITY;
  const from = start ? [start] : [];
  const lostIds: number[] = [];
  const splitIds: number[] = [];
  let lost = 0;
  let split = 0;
  let oldestLostAck = Number.POSITIVE_INFINITY;
  const splitBy = new Map<number, number>(); // acknowledging server → split-brain writes
  let inDoubt = 0;
  let inDoubtPresent = 0;
  ledger.forEach((id, _sentAt, endAt, outcome, node) => {
    if (outcome === IN_DOUBT) {
      inDoubt++;
      if (readback.has(id)) inDoubtPresent++;
      return;
    }
    if (outcome !== ACKED || readback.has(id)) return;
    lost++;
    if (lostIds.length < LISTED) lostIds.push(id);
    if (endAt < oldestLostAck) oldestLostAck = endAt;
    if (endAt > t0) {
      split++;
      splitBy.set(node, (splitBy.get(node) ?? 0) + 1);
      if (splitIds.length < LISTED) splitIds.push(id);
    }
  });
  const rpoValue = lost === 0 ? 0 : Math.max(0, t0 - oldestLostAck);
  const oldestNote = lost === 0 ? 'no acknowledged write was lost' : `the oldest lost write was acknowledged at ${oldestLostAck.toFixed(1)} ms, t0 at ${t0.toFixed(1)} ms`;
  const measured = (value: number, why: string, evidence: Record<string, unknown>): Measurement => ({ value, why, from, evidence });
  return {
    lost: measured(lost, `${lost} acknowledged write${lost === 1 ? '' : 's'} missing after recovery`, { ids: lostIds, listed: Math.min(lost, LISTED) }),
    rpo: start || lost === 0 ? measured(rpoValue, oldestNote, { oldestLostAck: lost ? oldestLostAck : null, t0: start ? t0 : null }) : unmeasured('writes were lost but no fault took effect, so there is no t0', from, { ids: lostIds }),
    splitBrain: measured(split, `${split} lost write${split === 1 ? ' was' : 's were'} acknowledged after t0${split ? ` (by ${[...splitBy].map(([node, n]) => `${ledger.nodeNames[node - 1] ?? 'an unknown server'}: ${n}`).join(', ')})` : ''}`, { ids: splitIds, byServer: Object.fromEntries([...splitBy].map(([node, n]) => [ledger.nodeNames[node - 1] ?? 'unknown', n])) }),
    inDoubt: measured(inDoubt, `${inDoubt} write${inDoubt === 1 ? '' : 's'} in doubt, ${inDoubtPresent} of them present after recovery`, { present: inDoubtPresent, absent: inDoubt - inDoubtPresent }),
    phantoms: measured(readback.phantoms.length, `${readback.phantoms.length} row${readback.phantoms.length === 1 ? '' : 's'} present that were never sent`, { ids: readback.phantoms.slice(0, LISTED) }),
  };
}
