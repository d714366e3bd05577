import type { FaultType } from '../../../harness/model/fault.js';
import { Rng } from './prng.js';
import type { Blip, Effect, EffectKind, FaultScript, LoadScript, Outlier, Script, Stall } from './script.js';

// Random, realistic histories of a three-server Patroni cluster under a ledger load. The
// faults follow one another (each one's harm, recovery, revert and heal are over, and
// service has been stable for a while, before the next one is armed), except a replica
// cut-off, which lasts through the failover that follows it. Every outage is long against
// the load's resolution (at least two write cycles of a worker and a second), because an
// outage no write could have seen is not a history any load could measure.

const SERVERS = ['pg-a', 'pg-b', 'pg-c'] as const;

const TYPES: Record<EffectKind, readonly FaultType[]> = {
  none: ['pod-kill', 'node-crash', 'network-delay', 'io-latency', 'etcd-member-kill', 'cpu-stress'],
  'replica-cut': ['network-loss', 'zone-pair-partition'],
  'crash-restart': ['postgres-kill', 'pod-kill'],
  'crash-failover': ['primary-crash', 'node-crash', 'zone-outage'],
  freeze: ['node-freeze'],
  'read-only': ['etcd-quorum-loss'],
  'split-brain': ['zone-partition'],
};

// Types whose injector may return long after the harm (Kubernetes: NotReady, eviction).
const LATE_TYPES: readonly FaultType[] = ['node-crash', 'zone-outage'];

interface Builder {
  readonly rng: Rng;
  readonly k: number; // scale of random waits (not of minimum lengths)
  readonly load: Omit<LoadScript, 'stopAt'>;
  readonly lagMs: number;
  readonly stabilityWindowMs: number;
  readonly cycleMs: number; // how often one worker sends: concurrency / rate
  readonly minOutageMs: number;
  readonly quietMs: number; // stable service required after a disruption before the next event
  primary: string;
}

export interface GenerateOptions {
  // Shorter histories (random waits scaled to 30 %, lower rates more often), for the
  // property test in `npm test`; the same kinds of events, the same minimum lengths.
  readonly quick?: boolean;
}

export function generate(seed: number, options: GenerateOptions = {}): Script {
  const rng = new Rng(seed);
  const k = options.quick ? 0.3 : 1;
  const rate = rng.weighted<number>(
    options.quick
      ? [
          [1, 5],
          [2, 10],
          [3, 20],
          [3, 50],
          [2, 100],
          [1, 200],
        ]
      : [
          [1, 5],
          [2, 10],
          [3, 20],
          [4, 50],
          [4, 100],
          [2, 200],
        ],
  );
  const concurrency = rng.pick(rate <= 10 ? [1, 2, 4] : [1, 2, 4, 8]);
  const writeTimeoutMs = rng.pick([1000, 2000, 3000, 5000]);
  const load = { rate, concurrency, writeTimeoutMs, latencyMs: rng.uniform(0.5, 5), connectMs: rng.uniform(2, 15), startAt: 500, abandonInFlight: rng.chance(0.2) };
  const lagMs = rng.weighted<() => number>([
    [3, () => 0],
    [4, () => rng.uniform(1, 50)],
    [3, () => rng.uniform(50, 1000)],
  ])();
  const stabilityWindowMs = rng.pick([1000, 2000, 3000, 5000]);
  const cycleMs = (concurrency * 1000) / rate;
  const b: Builder = {
    rng,
    k,
    load,
    lagMs,
    stabilityWindowMs,
    cycleMs,
    minOutageMs: Math.max(1000, 2 * cycleMs + 500),
    quietMs: stabilityWindowMs + writeTimeoutMs + cycleMs + 1500,
    primary: SERVERS[0],
  };

  const faults: FaultScript[] = [];
  const blips: Blip[] = [];
  let t = load.startAt + rng.uniform(3000, 3000 + 7000 * k) + cycleMs; // warm-up: writes before the first t0
  const count = rng.weighted<number>([
    [1, 1],
    [3, 2],
    [2, 3],
    [1, 4],
  ]);
  for (let i = 1; i <= count; i++) {
    const kind = chooseKind(b, i === 1, faults.length < count - 1 || count === 1);
    const fault = makeFault(b, i, kind, t);
    faults.push(fault);
    let end = settledAt(fault);
    if (kind === 'replica-cut') {
      // The cut lasts through a failover soon after, which loses every write since it.
      i++;
      const crash = makeFault(b, i, rng.chance(0.5) ? 'crash-failover' : 'freeze', fault.t0 + rng.uniform(2000, 2000 + 38000 * k), true);
      faults.push(crash);
      const revertedAt = settledAt(crash) + rng.uniform(0, 20000 * k);
      faults[faults.length - 2] = { ...fault, revertedAt };
      end = Math.max(settledAt(crash), revertedAt);
    }
    const last = faults[faults.length - 1]!;
    if (last.effect.kind !== 'none' && last.effect.kind !== 'replica-cut' && rng.chance(0.25)) {
      const blip: Blip = { at: end + b.quietMs + rng.uniform(0, 20000 * k), lengthMs: rng.uniform(300, 1500), mode: rng.pick(['hang', 'restart'] as const) };
      blips.push(blip);
      end = blip.at + blip.lengthMs;
    }
    t = end + b.quietMs + rng.uniform(0, 10000 * k);
  }
  const stopAt = t + rng.uniform(0, 5000 * k);
  const script: Script = { seed, servers: SERVERS, initialPrimary: SERVERS[0], lagMs, stabilityWindowMs, load: { ...load, stopAt }, faults, blips, outliers: [] };
  return { ...script, outliers: concurrency >= 2 ? placeOutliers(b, script) : [] };
}

function chooseKind(b: Builder, first: boolean, roomForTwo: boolean): EffectKind {
  const async = b.lagMs > 0;
  return b.rng.weighted<EffectKind>([
    [first ? 6 : 2, 'none'],
    [async && roomForTwo ? 1.5 : 0, 'replica-cut'],
    [2, 'crash-restart'],
    [3, 'crash-failover'],
    [3, 'freeze'],
    [1, 'read-only'],
    [async && b.load.concurrency >= 2 ? 2 : 0, 'split-brain'],
  ]);
}

// When everything this fault set in motion is over.
function settledAt(f: FaultScript): number {
  const e = f.effect;
  const fence = e.kind === 'split-brain' ? e.fenceAt : 0;
  const demote = e.kind === 'freeze' && e.failover ? e.failover.demoteAt : 0;
  return Math.max(f.restoredAt, f.revertedAt, f.injectedAt, fence, demote, f.heal ? f.heal.at + f.heal.lengthMs : 0);
}

function makeFault(b: Builder, index: number, kind: EffectKind, armedAt: number, forceFailover = false): FaultScript {
  const { rng, k } = b;
  const t0 = armedAt + rng.uniform(1, 50);
  const type = rng.pick(TYPES[kind]);
  const step = `s${index}`;
  const name = kind === 'none' ? type : kind;
  const primary = b.primary;
  const others = SERVERS.filter((s) => s !== primary);
  const to = rng.pick(others);
  const outage = (max: number): number => rng.uniform(b.minOutageMs, Math.max(b.minOutageMs, max * k));
  let effect: Effect;
  let restoredAt = t0;
  let revertedAt: number;
  let heal: Stall | undefined;
  let target = primary;
  // A stall when the reverted node rejoins, well after service was restored.
  const rejoin = (revertAt: number): Stall | undefined => (rng.chance(0.4) ? { at: Math.max(revertAt + rng.uniform(100, 3000), restoredAt + b.quietMs), lengthMs: rng.uniform(300, 2000) } : undefined);

  switch (kind) {
    case 'none':
      effect = { kind };
      target = rng.pick(others);
      revertedAt = t0 + rng.uniform(1000, 1000 + 29000 * k);
      break;
    case 'replica-cut':
      effect = { kind };
      revertedAt = Number.POSITIVE_INFINITY; // set by the caller, after the failover it enables
      break;
    case 'crash-restart': {
      const restartAt = t0 + outage(15000);
      effect = { kind, restartAt };
      restoredAt = restartAt + rng.uniform(0, 1000); // the endpoint's health check sees it back
      revertedAt = restoredAt + rng.uniform(0, 5000);
      break;
    }
    case 'crash-failover': {
      const promoteAt = t0 + outage(30000);
      restoredAt = promoteAt + rng.uniform(0, 2000);
      effect = { kind, promoteAt, routeAt: restoredAt, to };
      heal = rejoin(restoredAt);
      revertedAt = heal ? heal.at - rng.uniform(100, 3000) : restoredAt + rng.uniform(0, 60000 * k);
      revertedAt = Math.max(revertedAt, restoredAt);
      b.primary = to;
      break;
    }
    case 'freeze': {
      if (forceFailover || rng.chance(0.5)) {
        // Patroni's leader key expires long after the driver's writes have timed out.
        const earliest = Math.max(b.minOutageMs, b.load.writeTimeoutMs + b.cycleMs + 500);
        const promoteAt = t0 + rng.uniform(earliest, earliest + 30000 * k);
        restoredAt = promoteAt + rng.uniform(0, 2000);
        // Thawed once no connect attempt to it is still waiting (each gives up after the timeout).
        const thawAt = restoredAt + b.load.writeTimeoutMs + rng.uniform(500, 500 + 29500 * k);
        effect = { kind, thawAt, failover: { promoteAt, routeAt: restoredAt, to, demoteAt: thawAt + rng.uniform(100, 10000 * k) } };
        revertedAt = thawAt;
        heal = rejoin(thawAt);
        b.primary = to;
      } else {
        const thawAt = t0 + outage(20000);
        effect = { kind, thawAt };
        restoredAt = thawAt;
        revertedAt = thawAt;
      }
      break;
    }
    case 'read-only': {
      const restartMs = rng.uniform(200, 1500);
      const until = t0 + rng.uniform(Math.max(b.minOutageMs, restartMs + 500), Math.max(b.minOutageMs, restartMs + 500, 20000 * k));
      effect = { kind, restartMs, until };
      restoredAt = until; // Patroni promotes it back on its next loop after quorum returns
      revertedAt = Math.max(t0 + restartMs, until - rng.uniform(0, 2000));
      break;
    }
    case 'split-brain': {
      const promoteAt = t0 + outage(30000);
      restoredAt = promoteAt + rng.uniform(0, 2000);
      // The partition heals at the revert; the old primary's Patroni then sees the new leader
      // on its next loop and demotes it.
      revertedAt = restoredAt + b.quietMs + rng.uniform(0, 30000 * k);
      const fenceAt = revertedAt + rng.uniform(100, 3000);
      effect = { kind, promoteAt, routeAt: restoredAt, to, fenceAt };
      b.primary = to;
      break;
    }
  }
  let injectedAt = t0;
  if (kind === 'crash-failover' && LATE_TYPES.includes(type) && rng.chance(0.4)) {
    injectedAt = t0 + rng.uniform(2000, 2000 + 88000 * k); // NotReady + pod eviction before the injector returns
    revertedAt = Math.max(revertedAt, injectedAt + rng.uniform(0, 10000));
    if (heal && heal.at < revertedAt + 100) heal = { ...heal, at: revertedAt + rng.uniform(100, 3000) };
  }
  return { id: `${step}-${name}`, step, name, type, target, effect, armedAt, t0, injectedAt, revertedAt, expectNoImpact: kind === 'none' && rng.chance(0.5), restoredAt, ...(heal ? { heal } : {}) };
}

// Isolated slow writes, only where nothing else happens for a while on either side (so that
// they are unambiguously not part of an outage), and only with two or more connections (with
// one, a slow write is a pause of the whole service: an outage, not an outlier).
function placeOutliers(b: Builder, script: Script): Outlier[] {
  const busy: [number, number][] = [[0, script.load.startAt + 2000]];
  const around = (from: number, to: number): void => void busy.push([from - 1000, to + b.stabilityWindowMs + 1000]);
  for (const f of script.faults) {
    const e = f.effect;
    // The load may be back only a write timeout after the world (a connect stuck on a frozen
    // server), and must then have been stable for a whole stability window.
    if (e.kind !== 'none' && e.kind !== 'replica-cut') around(f.t0, f.restoredAt + b.load.writeTimeoutMs + b.cycleMs + 500);
    if (e.kind === 'split-brain') around(e.fenceAt, e.fenceAt + b.load.writeTimeoutMs);
    if (f.heal) around(f.heal.at, f.heal.at + f.heal.lengthMs + b.load.writeTimeoutMs);
  }
  for (const bl of script.blips) around(bl.at, bl.at + bl.lengthMs + b.load.writeTimeoutMs);
  busy.push([script.load.stopAt - 3000, Number.POSITIVE_INFINITY]);
  const maxExtra = Math.min(1500, b.load.writeTimeoutMs - 5 * b.load.latencyMs - 200);
  const out: Outlier[] = [];
  const wanted = b.rng.int(0, 3);
  for (let tries = 0; out.length < wanted && tries < 20; tries++) {
    const at = b.rng.uniform(script.load.startAt, script.load.stopAt);
    const extraMs = b.rng.uniform(300, maxExtra);
    if (busy.some(([from, to]) => at + extraMs > from && at < to)) continue;
    out.push({ at, extraMs });
    busy.push([at - 1000, at + extraMs + 1000]);
  }
  return out.sort((x, y) => x.at - y.at);
}
