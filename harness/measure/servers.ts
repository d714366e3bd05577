import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../model/writes.js';
import { firstAfter } from './sorted.js';

const ACKED = OUTCOMES.indexOf('acked');

// When each server was serving writes. Answers "was another server also acknowledging writes
// at this moment?" (two writable primaries) and "when did another server first acknowledge
// after this moment?" (the history this write was on was abandoned).
export class ServerAcks {
  // Per server: its acknowledgement times, sorted.
  private readonly acks = new Map<number, Float64Array>();
  // Per server: the stretches it was serving, starts and ends in order: from its first
  // acknowledgement to its last, while each next write was sent within `servingGapMs` of the
  // one before's acknowledgement (so a slow write, still being served, does not break it).
  private readonly serving = new Map<number, { readonly starts: Float64Array; readonly ends: Float64Array }>();

  constructor(ledger: Ledger, servingGapMs: number) {
    const times = new Map<number, number[]>();
    const stretches = new Map<number, { starts: number[]; ends: number[] }>();
    ledger.forEach((_id, sentAt, endAt, outcome, node) => {
      if (outcome !== ACKED || node === 0) return;
      let t = times.get(node);
      if (!t) times.set(node, (t = []));
      t.push(endAt);
      let s = stretches.get(node);
      if (!s) stretches.set(node, (s = { starts: [], ends: [] }));
      // Writes of one server come in send order; a stretch grows while the next write was sent
      // within the gap of the stretch's end.
      const last = s.ends.length - 1;
      if (last >= 0 && sentAt - s.ends[last]! <= servingGapMs) s.ends[last] = Math.max(s.ends[last]!, endAt);
      else {
        s.starts.push(endAt);
        s.ends.push(endAt);
      }
    });
    for (const [node, t] of times) this.acks.set(node, Float64Array.from(t).sort());
    for (const [node, s] of stretches) this.serving.set(node, { starts: Float64Array.from(s.starts), ends: Float64Array.from(s.ends) });
  }

  get known(): boolean {
    return this.acks.size > 0;
  }

  // Another server than `node` was serving writes at `at`; which one.
  otherServing(node: number, at: number): number | undefined {
    for (const [other, { starts, ends }] of this.serving) {
      if (other === node) continue;
      const last = firstAfter(starts, at) - 1; // the last stretch starting at or before `at`
      if (last >= 0 && ends[last]! >= at) return other;
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
