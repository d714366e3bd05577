import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';

const ACKED = OUTCOMES.indexOf('acked');

// When each server acknowledged writes: its acknowledgement times, sorted. Answers "was another
// server also acknowledging at this moment?" (two writable primaries) and "when did another
// server first acknowledge after this moment?" (the history this write was on was abandoned).
export class ServerAcks {
  private readonly times = new Map<number, Float64Array>();

  constructor(ledger: Ledger) {
    const counts = new Map<number, number>();
    ledger.forEach((_id, _sentAt, _endAt, outcome, node) => {
      if (outcome === ACKED && node !== 0) counts.set(node, (counts.get(node) ?? 0) + 1);
    });
    const filled = new Map<number, number>();
    for (const [node, n] of counts) {
      this.times.set(node, new Float64Array(n));
      filled.set(node, 0);
    }
    ledger.forEach((_id, _sentAt, endAt, outcome, node) => {
      if (outcome !== ACKED || node === 0) return;
      const i = filled.get(node)!;
      this.times.get(node)![i] = endAt;
      filled.set(node, i + 1);
    });
    for (const t of this.times.values()) t.sort();
  }

  get known(): boolean {
    return this.times.size > 0;
  }

  // Another server than `node` acknowledged writes both at most `gapMs` before and after `at`:
  // it was serving writes then too.
  otherServing(node: number, at: number, gapMs: number): number | undefined {
    for (const [other, t] of this.times) {
      if (other === node) continue;
      const i = firstAtOrAfter(t, at);
      const after = t[i];
      const before = i > 0 ? t[i - 1] : undefined;
      if (after === at) return other;
      if (after !== undefined && before !== undefined && at - before <= gapMs && after - at <= gapMs) return other;
    }
    return undefined;
  }

  // The first acknowledgement by any other server than `node` after `at`.
  firstOtherAfter(node: number, at: number): number | undefined {
    let first: number | undefined;
    for (const [other, t] of this.times) {
      if (other === node) continue;
      const i = firstAtOrAfter(t, at);
      const v = t[i] === at ? t[i + 1] : t[i];
      if (v !== undefined && (first === undefined || v < first)) first = v;
    }
    return first;
  }
}

function firstAtOrAfter(sorted: Float64Array, at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
