import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../model/writes.js';
import type { GapBound, OfferedLoad } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');
// Below this, scheduler and fsync jitter on a busy machine passes for outages.
const FLOOR_MS = 50;
// The steady stretch before the first fault the bound learns from, skipping the load's start.
const LEARN_MS = 30_000;
const SKIP_START_MS = 1_000;

// The largest value once the top 1 % (at least one) is set aside: one slow write or one
// scheduler hiccup in a short warm-up must not widen the bound for the whole drill.
const robustMax = (sorted: Float64Array): number => (sorted.length ? sorted[Math.max(0, sorted.length - 1 - Math.max(1, Math.floor(sorted.length / 100)))]! : 0);

/**
 * The longest pause between acknowledgements that still counts as continuous service, from
 * the load itself: the larger of 3 × the interval between writes (the offered rate's, or the
 * one seen before the first fault when the server could not keep up), 2 × the p99 latency and
 * 1.5 × the p99 pause between acknowledgements seen before the first fault (the machine's own
 * jitter; "p99" sets aside the top 1 %, at least one), and 50 ms.
 * A pause longer than this after a fault is an interruption clients saw; the RTO's resolution
 * is about this bound plus one write interval.
 */
export function gapBound(ledger: Ledger | undefined, firstT0: number, load: OfferedLoad): GapBound {
  const offeredMs = load.rate === 'max' ? undefined : 1000 / load.rate;
  let firstAck = Number.POSITIVE_INFINITY;
  ledger?.forEach((_id, _sentAt, endAt, outcome) => {
    if (outcome === ACKED && endAt < firstAck) firstAck = endAt;
  });
  const from = Math.max(firstAck + SKIP_START_MS, firstT0 - LEARN_MS);
  const acks: number[] = [];
  const latencies: number[] = [];
  ledger?.forEach((_id, sentAt, endAt, outcome) => {
    if (outcome !== ACKED || sentAt < from || endAt >= firstT0) return;
    acks.push(endAt);
    latencies.push(endAt - sentAt);
  });
  const parts: string[] = [];
  const candidates: [number, string][] = [[FLOOR_MS, `the ${FLOOR_MS} ms floor`]];
  if (acks.length < 10) {
    if (offeredMs !== undefined) candidates.push([3 * offeredMs, `3 × the offered interval of ${round(offeredMs)} ms`]);
    parts.push(`fewer than 10 writes were acknowledged in the steady stretch before the first fault, so no latency or jitter was learnt`);
  } else {
    const ackTimes = Float64Array.from(acks).sort();
    const lat = Float64Array.from(latencies).sort();
    const pauses = new Float64Array(ackTimes.length - 1);
    for (let i = 1; i < ackTimes.length; i++) pauses[i - 1] = ackTimes[i]! - ackTimes[i - 1]!;
    const longest = robustMax(pauses.sort());
    const seenMs = (ackTimes[ackTimes.length - 1]! - ackTimes[0]!) / (ackTimes.length - 1);
    const intervalMs = Math.max(offeredMs ?? 0, seenMs);
    const p99 = robustMax(lat);
    candidates.push([3 * intervalMs, `3 × the interval between writes (${round(intervalMs)} ms${offeredMs !== undefined && seenMs > offeredMs * 1.1 ? `, slower than the offered ${round(offeredMs)} ms` : ''})`]);
    candidates.push([2 * p99, `2 × the p99 latency (${round(p99)} ms)`]);
    candidates.push([1.5 * longest, `1.5 × the p99 pause between acknowledgements before the first fault (${round(longest)} ms)`]);
    parts.push(`learnt from ${acks.length} writes acknowledged before the first fault`);
  }
  const [ms, which] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
  return { ms: round(ms), why: `gap bound ${round(ms)} ms = ${which}; ${parts.join('; ')}` };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
