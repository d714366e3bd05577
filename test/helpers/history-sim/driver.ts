import { RateLimiter } from '../../../harness/load/ledger-driver/rate.js';
import { Rng } from './prng.js';
import { FAIL_FAST_MS, RECONNECT_SLEEP_MS, type Script } from './script.js';
import type { World } from './world.js';

// The ledger driver (harness/load/ledger-driver/index.ts) run against the simulated world:
// `concurrency` workers share one open-loop rate limiter (missed slots skipped); each worker
// connects through the read-write endpoint (connect timeout = write timeout, 100 ms pause
// after a failed connect), learns which server it reached, then sends one write per slot.
// A write is acknowledged, failed (the server proved it did not commit: read-only), or in
// doubt (a timeout found by the watchdog, a connection lost after sending); after any
// failure the worker reconnects at once. The facts hold both what the client saw (which
// becomes kdrill's Ledger: ledger.ts) and what really happened (the commit, on which term),
// which only the truth reads.

export const OUTCOME = { pending: 0, acked: 1, failed: 2, inDoubt: 3 } as const;

export interface WriteFacts {
  readonly sentAt: number[];
  readonly endAt: number[]; // NaN: still pending (its end was never reported)
  readonly outcome: number[]; // OUTCOME
  readonly ackedBy: (string | undefined)[];
  readonly commitAt: number[]; // NaN: never committed on any server
  readonly term: number[]; // the term it was committed on, -1: none
  readonly worker: number[];
}

export interface DriverRun {
  readonly facts: WriteFacts;
  readonly stoppedAt: number; // every worker had finished
}

// The bounds of the latency model, for tolerances: every write's round trip on a healthy
// primary is within [0.7, 4] × latencyMs, every connect within 1.3 × connectMs.
export const LATENCY_MAX_FACTOR = 4;
export const CONNECT_MAX_FACTOR = 1.3;

interface Worker {
  readonly index: number;
  phase: 'connect' | 'free' | 'send' | 'done';
  at: number;
  server: string | undefined;
  since: number; // when its connection was opened
}

type WriteResult = { outcome: number; endAt: number; commitAt: number; term: number };

function inDoubt(at: number, commitAt = Number.NaN, term = -1): WriteResult {
  return { outcome: OUTCOME.inDoubt, endAt: at, commitAt, term };
}

export function runDriver(world: World, script: Script): DriverRun {
  const load = script.load;
  const rng = new Rng(script.seed ^ 0x5eed_1ed6);
  const facts: WriteFacts = { sentAt: [], endAt: [], outcome: [], ackedBy: [], commitAt: [], term: [], worker: [] };
  const limiter = new RateLimiter(load.rate, load.startAt);
  const watchdogMs = Math.max(10, Math.min(100, load.writeTimeoutMs / 10));
  const outliers = [...script.outliers].sort((a, b) => a.at - b.at);
  let nextOutlier = 0;

  const latency = (): number => load.latencyMs * (rng.chance(0.03) ? rng.uniform(1.5, 3) : rng.uniform(0.7, 1.3));
  const connectTime = (): number => load.connectMs * rng.uniform(0.7, 1.3);
  // The watchdog ticks every `watchdogMs` from the driver's start and fails a write whose
  // round trip has lasted longer than the timeout.
  const timeoutAt = (sentAt: number): number => load.startAt + (Math.floor((sentAt + load.writeTimeoutMs - load.startAt) / watchdogMs) + 1) * watchdogMs;

  const connect = (x: number): { ok: boolean; at: number; server?: string } => {
    const targets = world.routeAt(x);
    if (targets.length === 0) return { ok: false, at: x + FAIL_FAST_MS }; // no primary behind the endpoint
    const server = targets.length === 1 ? targets[0]! : rng.pick(targets);
    const state = world.stateAt(server, x);
    if (state === 'down') return { ok: false, at: x + FAIL_FAST_MS }; // refused
    let done = x + connectTime();
    if (state === 'frozen' || state === 'stalled') {
      // The kernel accepts; PostgreSQL answers the startup when it runs again.
      done = world.runsFrom(server, x) + connectTime();
      if (done - x > load.writeTimeoutMs) return { ok: false, at: x + load.writeTimeoutMs };
    }
    const reset = world.firstReset(server, x, done);
    if (reset) return { ok: false, at: reset.at + FAIL_FAST_MS };
    return { ok: true, at: done, server };
  };

  const write = (w: Worker, s: number, extraMs: number): WriteResult => {
    const server = w.server!;
    // The connection died since it was opened: the client errors at once, nothing was sent.
    if (world.firstReset(server, w.since, s)) return inDoubt(s + FAIL_FAST_MS);
    const lat = latency();
    const arrive = s + 0.3 * lat;
    const next = world.firstReset(server, s);
    const resetAt = next?.at ?? Number.POSITIVE_INFINITY;
    const timeout = timeoutAt(s);
    if (resetAt <= arrive) return inDoubt(Math.min(resetAt + FAIL_FAST_MS, timeout));
    const state = world.stateAt(server, arrive);
    if (state === 'down') return inDoubt(arrive + FAIL_FAST_MS);
    if (state === 'read-only' || (state === 'up' && !world.termAt(server, arrive))) {
      return { outcome: OUTCOME.failed, endAt: arrive + 0.3 * lat, commitAt: Number.NaN, term: -1 }; // SQLSTATE 25006
    }
    // Executed when the server runs (after a freeze or stall), then committed.
    let commitAt = world.runsFrom(server, arrive) + 0.4 * lat + extraMs;
    commitAt = world.runsFrom(server, commitAt);
    const term = world.termAt(server, commitAt);
    const committed = commitAt < resetAt && term !== undefined && world.stateAt(server, commitAt) === 'up';
    if (!committed) return inDoubt(Math.min(resetAt + FAIL_FAST_MS, timeout));
    const ackAt = commitAt + 0.3 * lat;
    // A reset in the network drops a reply still on its way; a killed server's reply arrives.
    if (next?.kind === 'cut' && resetAt < ackAt) return inDoubt(Math.min(resetAt + FAIL_FAST_MS, timeout), commitAt, term.index);
    if (ackAt >= timeout) return inDoubt(timeout, commitAt, term.index);
    return { outcome: OUTCOME.acked, endAt: ackAt, commitAt, term: term.index };
  };

  const workers: Worker[] = Array.from({ length: load.concurrency }, (_, index) => ({ index, phase: 'connect', at: load.startAt, server: undefined, since: 0 }));
  let stoppedAt = load.stopAt;
  for (;;) {
    let w: Worker | undefined;
    for (const candidate of workers) if (candidate.phase !== 'done' && (!w || candidate.at < w.at)) w = candidate;
    if (!w) break;
    const t = w.at;
    if (t >= load.stopAt) {
      // The driver was stopped: each worker ends at its next check of `stopping`.
      w.phase = 'done';
      stoppedAt = Math.max(stoppedAt, t);
      continue;
    }
    if (w.phase === 'connect') {
      const c = connect(t);
      if (c.ok) {
        w.server = c.server;
        w.since = t;
        w.phase = 'free';
        w.at = c.at;
      } else {
        w.at = c.at + RECONNECT_SLEEP_MS;
      }
    } else if (w.phase === 'free') {
      w.phase = 'send';
      w.at = Math.max(limiter.take(t), t) + rng.uniform(0, 1); // timers fire a little late
    } else {
      let extraMs = 0;
      if (nextOutlier < outliers.length && t >= outliers[nextOutlier]!.at) extraMs = outliers[nextOutlier++]!.extraMs;
      const r = write(w, t, extraMs);
      const abandoned = script.load.abandonInFlight && r.endAt > load.stopAt;
      facts.sentAt.push(t);
      facts.endAt.push(abandoned ? Number.NaN : r.endAt);
      facts.outcome.push(abandoned ? OUTCOME.pending : r.outcome);
      facts.ackedBy.push(r.outcome === OUTCOME.acked && !abandoned ? w.server : undefined);
      facts.commitAt.push(r.commitAt);
      facts.term.push(r.term);
      facts.worker.push(w.index);
      w.at = r.endAt;
      if (r.outcome === OUTCOME.acked) w.phase = 'free';
      else {
        w.phase = 'connect';
        w.server = undefined;
      }
    }
  }
  return { facts, stoppedAt };
}
