import type { LoadSeries } from '../model/load.js';
import type { MonoTime } from '../model/time.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../model/writes.js';

const ACKED = OUTCOMES.indexOf('acked');
const PENDING = OUTCOMES.indexOf('pending');
// A chart needs no more points than a screen has columns: a 3-hour drill still fits.
const MAX_BUCKETS = 1_200;

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
