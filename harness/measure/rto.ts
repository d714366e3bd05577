import type { JournalEntry } from '../engine/journal-types.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';
import { disruptionStart } from './t0.js';
import { NO_FAULT, unmeasured, type Measurement, type RtoMeasurement, type RtoOptions } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');

// One pass over the writes sent at or after t0, in send order, straight from the ledger's
// columns (no object per write: millions of writes cost one scan).
interface Scan {
  firstImpact?: { id: number; at: number; why: string };
  // The write from which every later write was healthy (undefined: none after the last impact).
  restoredFrom?: { id: number; sentAt: number };
  impacted: boolean;
  lastSentAt: number;
  newPrimary?: { id: number; endAt: number; node: number };
}

/**
 * RTO = t1 − t0. t0: the first fault took effect (its `fault-injected` entry). A write after
 * t0 is an impact when it failed or went in doubt, when it took longer than `maxGapMs` to be
 * acknowledged, or when its acknowledgement ends a pause longer than `maxGapMs` since the
 * previous one. t1: the send time of the first write after the last impact from which every
 * write was healthy, provided the load ran on for the stability window after it. The pause
 * bound matters: while the service is down the driver cannot even connect, so "no write
 * failed" alone would hold over an empty outage. With several faults, service counts as
 * restored only after the last disruption any of them caused.
 */
export function measureRto(entries: readonly JournalEntry[], ledger: Ledger, options: RtoOptions, fault?: string): RtoMeasurement {
  const start = disruptionStart(entries, fault);
  if (!start) return { t0: Number.NaN, rto: NO_FAULT, timeToImpact: NO_FAULT, downtime: NO_FAULT, timeToNewPrimary: NO_FAULT };
  const t0 = start.at;
  const from = [start];
  const before = lastServerBefore(ledger, t0);
  const scan = scanFrom(ledger, t0, options.maxGapMs, before);

  let rto: Measurement;
  let t1: number | undefined;
  if (!scan.impacted) {
    t1 = t0;
    rto = { value: 0, why: 'no write after the fault failed, stalled or paused: clients saw no interruption', from, evidence: { t0 } };
  } else if (!scan.restoredFrom || scan.lastSentAt < scan.restoredFrom.sentAt + options.stabilityWindowMs) {
    rto = unmeasured(`writes never succeeded for ${options.stabilityWindowMs} ms without a failure or a pause over ${options.maxGapMs} ms after the last disruption`, from);
  } else {
    t1 = scan.restoredFrom.sentAt;
    rto = { value: t1 - t0, why: `t1 = send time of write ${scan.restoredFrom.id}, from which every write succeeded (stable for at least ${options.stabilityWindowMs} ms)`, from, evidence: { t0, t1, firstStableId: scan.restoredFrom.id } };
  }

  const timeToImpact: Measurement = scan.firstImpact
    ? { value: scan.firstImpact.at - t0, why: scan.firstImpact.why, from, evidence: { id: scan.firstImpact.id } }
    : unmeasured('no write after the fault failed or stalled: clients saw no impact', from);

  return { t0, rto, timeToImpact, downtime: downtime(ledger, t0, t1, options.maxGapMs, from), timeToNewPrimary: newPrimary(ledger, scan, before, t0, from) };
}

function scanFrom(ledger: Ledger, t0: number, maxGapMs: number, before: number): Scan {
  const scan: Scan = { impacted: false, lastSentAt: Number.NEGATIVE_INFINITY };
  let lastAck = t0;
  let pendingRestore = false; // an impact happened and no healthy write has followed yet
  ledger.forEach((id, sentAt, endAt, outcome, node) => {
    if (sentAt < t0) return;
    scan.lastSentAt = Math.max(scan.lastSentAt, sentAt);
    const acked = outcome === ACKED;
    if (acked && before !== 0 && node !== 0 && node !== before && !scan.newPrimary) scan.newPrimary = { id, endAt, node };
    const failed = !acked;
    const slow = acked && endAt - sentAt > maxGapMs;
    const pause = acked && endAt - lastAck > maxGapMs;
    if (failed || slow || pause) {
      if (!scan.firstImpact) {
        scan.firstImpact = failed
          ? { id, at: sentAt, why: `write ${id} sent then failed or went in doubt` }
          : { id, at: Math.min(sentAt + maxGapMs, lastAck + maxGapMs), why: slow ? `write ${id} took ${Math.round(endAt - sentAt)} ms to be acknowledged` : `no acknowledgement for more than ${maxGapMs} ms before write ${id}` };
      }
      scan.impacted = true;
      // A write acknowledged promptly after a pause was itself served: service may be back from it.
      if (pause && !slow) {
        scan.restoredFrom = { id, sentAt };
        pendingRestore = false;
      } else {
        scan.restoredFrom = undefined;
        pendingRestore = true;
      }
    } else if (pendingRestore) {
      scan.restoredFrom = { id, sentAt };
      pendingRestore = false;
    }
    if (acked) lastAck = Math.max(lastAck, endAt);
  });
  return scan;
}

// The sum of the pauses over the bound between acknowledgements, from t0 to t1.
function downtime(ledger: Ledger, t0: number, t1: number | undefined, maxGapMs: number, from: Measurement['from']): Measurement {
  if (t1 === undefined) return unmeasured('service was not restored, so the downtime has no end', from);
  let last = t0;
  let total = 0;
  ledger.forEach((_id, sentAt, endAt, outcome) => {
    if (sentAt < t0 || sentAt > t1 || outcome !== ACKED) return;
    if (endAt - last > maxGapMs) total += endAt - last;
    last = Math.max(last, endAt);
  });
  return { value: total, why: `sum of the pauses over ${maxGapMs} ms between acknowledgements from t0 to t1`, from, evidence: { t0, t1 } };
}

// The server (1 + index into the ledger's node names) that acknowledged the last write before t0.
function lastServerBefore(ledger: Ledger, t0: number): number {
  let before = 0;
  ledger.forEach((_id, sentAt, _endAt, outcome, node) => {
    if (sentAt < t0 && outcome === ACKED && node !== 0) before = node;
  });
  return before;
}

function newPrimary(ledger: Ledger, scan: Scan, before: number, t0: number, from: Measurement['from']): Measurement {
  if (before === 0) return unmeasured('no acknowledged write before the fault names a server', from);
  const first = scan.newPrimary;
  if (!first) return unmeasured(`every write after the fault was acknowledged by ${ledger.nodeNames[before - 1]}, the server from before`, from);
  return {
    value: first.endAt - t0,
    why: `write ${first.id} was the first acknowledged by ${ledger.nodeNames[first.node - 1]} instead of ${ledger.nodeNames[before - 1]}`,
    from,
    evidence: { id: first.id, server: ledger.nodeNames[first.node - 1], previous: ledger.nodeNames[before - 1] },
  };
}
