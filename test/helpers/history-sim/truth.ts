import { CONNECT_MAX_FACTOR, LATENCY_MAX_FACTOR, OUTCOME, type WriteFacts } from './driver.js';
import type { Survival } from './readback.js';
import { FAIL_FAST_MS, RECONNECT_SLEEP_MS, type FaultScript, type Script } from './script.js';
import type { World } from './world.js';

// The true answers, from the scripted world and what really happened to each write (its
// commit, on which term), never from the ledger's timings as kdrill reads them.

export interface FaultTruth {
  readonly fault: string;
  readonly t0: number; // the harm took effect
  readonly disrupted: boolean; // the fault interrupted client writes
  readonly restoredAt: number; // write service was back in the world
  readonly rtoMs: number; // restoredAt − t0 (0 when not disrupted)
  // How far a measurement from this load's ledger may be from rtoMs, at most (see below).
  readonly toleranceMs: number;
  readonly lost: number; // acknowledged writes this fault's failover discarded
  readonly lostIds: readonly number[];
  readonly splitBrain: number; // of those, committed while another server was also accepting writes
  readonly rpoMs: number; // t0 − earliest commit among the others (0: none); never below 0
}

export interface Truth {
  readonly faults: readonly FaultTruth[];
  readonly lost: number;
  readonly splitBrain: number;
  // Lost writes whose split-brain verdict turns on the order of two replies in flight at the
  // same moment (committed within one maximal reply delay of the other server's first).
  readonly splitBrainAmbiguous: number;
  readonly inDoubt: number; // in doubt, plus pending when the load stopped
  readonly worst?: { readonly fault: string; readonly rtoMs: number; readonly toleranceMs: number };
}

const DISRUPTING = new Set(['crash-restart', 'crash-failover', 'freeze', 'read-only', 'split-brain']);

/**
 * The tolerance of an RTO measured from this load: the load only observes the world when a
 * write is sent, so t1 in the ledger lags the world's restoration by what the driver needs to
 * notice it, and may lead it by one write in flight.
 *   - a worker whose connect was refused sleeps 100 ms and retries (+2 ms to be refused);
 *   - its connect takes up to 1.3 × connectMs;
 *   - once connected it waits for a rate-limiter slot: at most one worker cycle,
 *     concurrency × 1000 / rate (the other workers hold the slots before it);
 *   - the write itself takes up to 4 × latencyMs, and a write sent up to that long before the
 *     restoration may be served by it (counted twice: once each side);
 *   - timers fire up to 1 ms late, twice;
 *   - where a connect attempt could be waiting on an unresponsive server when service came
 *     back elsewhere (a frozen primary, failed over), it gives up only after the write
 *     timeout: + writeTimeoutMs.
 * At rate 100/s, concurrency 4, latency 2 ms, connect 8 ms: 100 + 2 + 10.4 + 40 + 16 + 2 ≈ 170 ms.
 */
export function rtoTolerance(script: Script, f: FaultScript): number {
  const l = script.load;
  const cycle = (l.concurrency * 1000) / l.rate;
  const hanging = f.effect.kind === 'freeze' && f.effect.failover !== undefined;
  return RECONNECT_SLEEP_MS + FAIL_FAST_MS + CONNECT_MAX_FACTOR * l.connectMs + cycle + 2 * LATENCY_MAX_FACTOR * l.latencyMs + 2 + (hanging ? l.writeTimeoutMs : 0);
}

export function computeTruth(script: Script, world: World, facts: WriteFacts, survival: Survival): Truth {
  const n = facts.sentAt.length;
  const maxReplyMs = 0.3 * LATENCY_MAX_FACTOR * script.load.latencyMs;
  // Each term's first commit the driver saw acknowledged: from then on its server was
  // accepting (and acknowledging) the load's writes.
  const firstAckedCommit = new Map<number, number>();
  let inDoubt = 0;
  for (let i = 0; i < n; i++) {
    const o = facts.outcome[i]!;
    if (o === OUTCOME.inDoubt || o === OUTCOME.pending) inDoubt++;
    if (o !== OUTCOME.acked) continue;
    const t = facts.term[i]!;
    const c = facts.commitAt[i]!;
    if (!(firstAckedCommit.get(t)! <= c)) firstAckedCommit.set(t, c);
  }
  const per = new Map<string, { lostIds: number[]; split: number; earliest: number }>();
  for (const f of script.faults) per.set(f.id, { lostIds: [], split: 0, earliest: Number.POSITIVE_INFINITY });
  let lost = 0;
  let splitBrain = 0;
  let ambiguous = 0;
  for (let i = 0; i < n; i++) {
    const id = i + 1;
    if (facts.outcome[i] !== OUTCOME.acked || survival.survives(id)) continue;
    lost++;
    const cause = survival.lostBecauseOf(id);
    const bucket = cause === undefined ? undefined : per.get(cause);
    if (!bucket) throw new Error(`history-sim: write ${id} was lost but no fault discarded it`);
    bucket.lostIds.push(id);
    const c = facts.commitAt[i]!;
    const own = world.terms[facts.term[i]!]!;
    // Another server was a writable primary at that moment and had begun accepting writes.
    const others = world.terms.filter((u) => u.server !== own.server && u.from <= c && c < u.to && firstAckedCommit.has(u.index));
    const split = others.some((u) => firstAckedCommit.get(u.index)! <= c);
    if (others.some((u) => Math.abs(firstAckedCommit.get(u.index)! - c) <= maxReplyMs)) ambiguous++;
    if (split) {
      splitBrain++;
      bucket.split++;
    } else bucket.earliest = Math.min(bucket.earliest, c);
  }
  const faults: FaultTruth[] = script.faults.map((f) => {
    const disrupted = DISRUPTING.has(f.effect.kind);
    const b = per.get(f.id)!;
    return {
      fault: f.id,
      t0: f.t0,
      disrupted,
      restoredAt: f.restoredAt,
      rtoMs: disrupted ? f.restoredAt - f.t0 : 0,
      toleranceMs: rtoTolerance(script, f),
      lost: b.lostIds.length,
      lostIds: b.lostIds,
      splitBrain: b.split,
      rpoMs: Number.isFinite(b.earliest) ? Math.max(0, f.t0 - b.earliest) : 0,
    };
  });
  let worst: Truth['worst'];
  for (const f of faults) if (f.disrupted && (!worst || f.rtoMs > worst.rtoMs)) worst = { fault: f.fault, rtoMs: f.rtoMs, toleranceMs: f.toleranceMs };
  return { faults, lost, splitBrain, splitBrainAmbiguous: ambiguous, inDoubt, ...(worst ? { worst } : {}) };
}
