import type { JournalEntry } from '../engine/journal-types.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';
import { disruptionStart } from './t0.js';
import type { Measurement, RtoMeasurement, RtoOptions } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');

interface Write {
  readonly id: number;
  readonly sentAt: number;
  readonly endAt: number;
  readonly acked: boolean;
  readonly node: number;
}

// Writes sent at or after `from`, in send order (ids are allocated in send order).
function writesFrom(ledger: Ledger, from: number): Write[] {
  const out: Write[] = [];
  ledger.forEach((id, sentAt, endAt, outcome, node) => {
    if (sentAt >= from) out.push({ id, sentAt, endAt, acked: outcome === ACKED, node });
  });
  return out;
}

const unmeasured = (why: string, from: readonly JournalEntry[]): Measurement => ({ value: undefined, why, from, evidence: {} });

/**
 * RTO = t1 − t0. t0: the fault took effect (its `fault-injected` entry). t1: the earliest
 * send time T ≥ t0 of an acknowledged write such that every write sent in [T, T + window]
 * was acknowledged and acknowledgements in that window (from T to its end) never pause
 * longer than `maxGapMs`. The pause bound matters: while the service is down the driver
 * cannot even connect, so "no write failed" alone would hold over an empty outage.
 */
export function measureRto(entries: readonly JournalEntry[], ledger: Ledger, options: RtoOptions, fault?: string): RtoMeasurement {
  const start = disruptionStart(entries, fault);
  if (!start) {
    const none = unmeasured('no fault took effect in this run', []);
    return { t0: Number.NaN, rto: none, timeToImpact: none, downtime: none, timeToNewPrimary: none };
  }
  const t0 = start.at;
  const from = [start];
  const writes = writesFrom(ledger, t0);
  const t1Index = restoredAt(writes, options);
  const t1 = t1Index === undefined ? undefined : writes[t1Index]!.sentAt;

  const rto: Measurement =
    t1 === undefined
      ? unmeasured(`writes never succeeded for ${options.stabilityWindowMs} ms without a pause over ${options.maxGapMs} ms after the fault`, from)
      : { value: t1 - t0, why: `t1 = send time of write ${writes[t1Index!]!.id}, the first of ${options.stabilityWindowMs} ms of uninterrupted acknowledged writes`, from, evidence: { t0, t1, firstStableId: writes[t1Index!]!.id } };

  return { t0, rto, timeToImpact: impact(writes, t0, options, from), downtime: downtime(writes, t0, t1, options, from), timeToNewPrimary: newPrimary(ledger, writes, t0, from) };
}

function restoredAt(writes: readonly Write[], o: RtoOptions): number | undefined {
  for (let i = 0; i < writes.length; i++) {
    if (!writes[i]!.acked) continue;
    const windowStart = writes[i]!.sentAt;
    const windowEnd = windowStart + o.stabilityWindowMs;
    let lastAck = writes[i]!.endAt;
    let ok = true;
    let reachedEnd = false;
    for (let j = i + 1; j < writes.length; j++) {
      const w = writes[j]!;
      if (w.sentAt > windowEnd) {
        reachedEnd = true;
        break;
      }
      if (!w.acked) {
        ok = false;
        break;
      }
      if (w.endAt - lastAck > o.maxGapMs) {
        ok = false;
        break;
      }
      lastAck = Math.max(lastAck, w.endAt);
    }
    // The window must be observed to its end (the load ran past it) with no long pause at its tail.
    if (ok && reachedEnd && windowEnd - lastAck <= o.maxGapMs) return i;
  }
  return undefined;
}

function impact(writes: readonly Write[], t0: number, o: RtoOptions, from: Measurement['from']): Measurement {
  let lastAck = t0;
  for (const w of writes) {
    if (!w.acked) return { value: w.sentAt - t0, why: `write ${w.id} sent then failed or went in doubt`, from, evidence: { id: w.id } };
    if (w.endAt - lastAck > o.maxGapMs) return { value: lastAck + o.maxGapMs - t0, why: `no acknowledgement for more than ${o.maxGapMs} ms before write ${w.id}`, from, evidence: { id: w.id } };
    lastAck = Math.max(lastAck, w.endAt);
  }
  return { value: undefined, why: 'no write after the fault failed or stalled: clients saw no impact', from, evidence: {} };
}

function downtime(writes: readonly Write[], t0: number, t1: number | undefined, o: RtoOptions, from: Measurement['from']): Measurement {
  if (t1 === undefined) return { value: undefined, why: 'service was not restored, so the downtime has no end', from, evidence: {} };
  let last = t0;
  let total = 0;
  for (const w of writes) {
    if (w.sentAt > t1) break;
    if (!w.acked) continue;
    if (w.endAt - last > o.maxGapMs) total += w.endAt - last;
    last = Math.max(last, w.endAt);
  }
  return { value: total, why: `sum of the pauses over ${o.maxGapMs} ms between acknowledgements from t0 to t1`, from, evidence: { t0, t1 } };
}

function newPrimary(ledger: Ledger, after: readonly Write[], t0: number, from: Measurement['from']): Measurement {
  let before = 0;
  ledger.forEach((_id, sentAt, _endAt, outcome, node) => {
    if (sentAt < t0 && outcome === ACKED && node !== 0) before = node;
  });
  if (before === 0) return { value: undefined, why: 'no acknowledged write before the fault names a server', from, evidence: {} };
  const first = after.find((w) => w.acked && w.node !== 0 && w.node !== before);
  if (!first) return { value: undefined, why: `every write after the fault was acknowledged by ${ledger.nodeNames[before - 1]}, the server from before`, from, evidence: {} };
  return {
    value: first.endAt - t0,
    why: `write ${first.id} was the first acknowledged by ${ledger.nodeNames[first.node - 1]} instead of ${ledger.nodeNames[before - 1]}`,
    from,
    evidence: { id: first.id, server: ledger.nodeNames[first.node - 1], previous: ledger.nodeNames[before - 1] },
  };
}
