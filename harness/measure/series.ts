import type { MonoTime } from '../engine/journal-types.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';

const ACKED = OUTCOMES.indexOf('acked');
const PENDING = OUTCOMES.indexOf('pending');
// A chart needs no more points than a screen has columns: a 3-hour drill still fits.
const MAX_BUCKETS = 1_200;

// The load over time, for the report's timeline chart: per bucket, the writes acknowledged,
// the writes that failed or ended in doubt, and the mean latency of the acknowledged ones.
// Journalled with load-stop, so a report renders it from the journal alone.
export interface LoadSeries {
  readonly startAt: MonoTime; // the first bucket's start
  readonly bucketMs: number;
  readonly acked: readonly number[]; // by acknowledgement time
  readonly failed: readonly number[]; // failed or in doubt, by the time the client gave up
  readonly latencyMs: readonly (number | null)[]; // null where nothing was acknowledged
}

// Buckets of a second, or wider when the load ran long, covering `from`…`to`.
export function loadSeries(ledger: Ledger, from: MonoTime, to: MonoTime): LoadSeries {
  const span = Math.max(0, to - from);
  const bucketMs = Math.max(1_000, Math.ceil(span / MAX_BUCKETS / 1_000) * 1_000);
  const count = Math.max(1, Math.ceil(span / bucketMs));
  const acked = new Array<number>(count).fill(0);
  const failed = new Array<number>(count).fill(0);
  const latencySum = new Array<number>(count).fill(0);
  const bucketOf = (at: number) => Math.min(count - 1, Math.max(0, Math.floor((at - from) / bucketMs)));
  ledger.forEach((_id, sentAt, endAt, outcome) => {
    if (outcome === PENDING || Number.isNaN(endAt)) return;
    const b = bucketOf(endAt);
    if (outcome === ACKED) {
      acked[b]!++;
      latencySum[b]! += endAt - sentAt;
    } else {
      failed[b]!++;
    }
  });
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { startAt: from, bucketMs, acked, failed, latencyMs: latencySum.map((sum, b) => (acked[b] ? round(sum / acked[b]!) : null)) };
}
