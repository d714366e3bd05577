import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';

const ACKED = OUTCOMES.indexOf('acked');

// When each server was serving writes. Answers "was another server also acknowledging writes
// at this moment?" (two writable primaries) and "when did another server first acknowledge
// after this moment?" (the history this write was on was abandoned).
export class ServerAcks {
  // Per server: its acknowledgement times, sorted.
  private readonly acks = new Map<number, Float64Array>();
  // Per server: the stretches it was serving, [from, to] pairs flattened and sorted: from its
  // first acknowledgement to its last, while each next write was sent within `servingGapMs` of
  // the one before's acknowledgement (so a slow write, still being served, does not break it).
  private readonly serving = new Map<number, Float64Array>();

  constructor(ledger: Ledger, servingGapMs: number) {
    const times = new Map<number, number[]>();
    const stretches = new Map<number, number[]>();
    ledger.forEach((_id, sentAt, endAt, outcome, node) => {
      if (outcome !== ACKED || node === 0) return;
      let t = times.get(node);
      if (!t) times.set(node, (t = []));
      t.push(endAt);
      let s = stretches.get(node);
      if (!s) stretches.set(node, (s = []));
      // Writes of one server come in send order; a stretch grows while the next write was sent
      // within the gap of the stretch's end.
      if (s.length && sentAt - s[s.length - 1]! <= servingGapMs) s[s.length - 1] = Math.max(s[s.length - 1]!, endAt);
      else s.push(endAt, endAt);
    });
    for (const [node, t] of times) this.acks.set(node, Float64Array.from(t).sort());
    for (const [node, s] of stretches) this.serving.set(node, Float64Array.from(s));
  }

  get known(): boolean {
    return this.acks.size > 0;
  }

  // Another server than `node` was serving writes at `at`; which one.
  otherServing(node: number, at: number): number | undefined {
    for (const [other, s] of this.serving) {
      if (other === node) continue;
      // The last stretch starting at or before `at` (starts are at even indexes, in order).
      let lo = 0;
      let hi = s.length / 2;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s[2 * mid]! <= at) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0 && s[2 * (lo - 1) + 1]! >= at) return other;
    }
    return undefined;
  }

  // The first acknowledgement by any other server than `node` after `at`.
  firstOtherAfter(node: number, at: number): number | undefined {
    let first: number | undefined;
    for (const [other, t] of this.acks) {
      if (other === node) continue;
      const i = firstAfter(t, at);
      const v = t[i];
      if (v !== undefined && (first === undefined || v < first)) first = v;
    }
    return first;
  }
}

function firstAfter(sorted: Float64Array, at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
