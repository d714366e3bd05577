import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';
import type { GapBound, OfferedLoad } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');
// Below this, scheduler and fsync jitter on a busy machine passes for outages.
const FLOOR_MS = 50;
// The steady stretch before the first fault the bound learns from, skipping the load's start.
const LEARN_MS = 30_000;
const SKIP_START_MS = 1_000;

const quantile = (sorted: Float64Array, q: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);

/**
 * The longest pause between acknowledgements that still counts as continuous service, from
 * the load itself: the larger of 3 × the interval between writes (the offered rate's, or the
 * one seen before the first fault when the server could not keep up), 2 × the p99 latency and
 * 1.5 × the longest pause seen before the first fault (the machine's own jitter), and 50 ms.
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
    let longest = 0;
    for (let i = 1; i < ackTimes.length; i++) longest = Math.max(longest, ackTimes[i]! - ackTimes[i - 1]!);
    const seenMs = (ackTimes[ackTimes.length - 1]! - ackTimes[0]!) / (ackTimes.length - 1);
    const intervalMs = Math.max(offeredMs ?? 0, seenMs);
    const p99 = quantile(lat, 0.99);
    candidates.push([3 * intervalMs, `3 × the interval between writes (${round(intervalMs)} ms${offeredMs !== undefined && seenMs > offeredMs * 1.1 ? `, slower than the offered ${round(offeredMs)} ms` : ''})`]);
    candidates.push([2 * p99, `2 × the p99 latency (${round(p99)} ms)`]);
    candidates.push([1.5 * longest, `1.5 × the longest pause seen before the first fault (${round(longest)} ms)`]);
    parts.push(`learnt from ${acks.length} writes acknowledged before the first fault`);
  }
  const [ms, which] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
  return { ms: round(ms), why: `gap bound ${round(ms)} ms = ${which}; ${parts.join('; ')}` };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
