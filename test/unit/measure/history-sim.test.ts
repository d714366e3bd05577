import { describe, expect, it } from 'vitest';
import { describeScript, generate, OUTCOME, simulate, type FaultScript, type Script, type Simulation } from '../../helpers/history-sim/index.js';
import { buildLedger } from '../../helpers/history-sim/ledger.js';

// Self-tests of the ground-truth simulator: its truth must be consistent with the world it
// simulated, whatever kdrill says. None of this touches harness/measure.

const base = (over: Partial<Script> = {}, load: Partial<Script['load']> = {}): Script => ({
  seed: 7,
  servers: ['pg-a', 'pg-b', 'pg-c'],
  initialPrimary: 'pg-a',
  lagMs: 0,
  stabilityWindowMs: 3000,
  load: { rate: 100, concurrency: 1, writeTimeoutMs: 2000, latencyMs: 2, connectMs: 5, startAt: 500, stopAt: 60_000, abandonInFlight: false, ...load },
  faults: [],
  blips: [],
  outliers: [],
  ...over,
});

const fault = (index: number, over: Partial<FaultScript> & Pick<FaultScript, 'effect' | 't0'>): FaultScript => ({
  id: `s${index}-${over.effect.kind}`,
  step: `s${index}`,
  name: over.effect.kind,
  type: 'node-crash',
  target: 'pg-a',
  armedAt: over.t0 - 5,
  injectedAt: over.t0,
  revertedAt: over.t0 + 20_000,
  expectNoImpact: false,
  restoredAt: over.t0,
  ...over,
});

const crashFailover = (index: number, t0: number, outageMs: number, to = 'pg-b', over: Partial<FaultScript> = {}): FaultScript =>
  fault(index, { t0, effect: { kind: 'crash-failover', promoteAt: t0 + outageMs - 500, routeAt: t0 + outageMs, to }, restoredAt: t0 + outageMs, revertedAt: t0 + outageMs + 5000, ...over });

// The writes as (id, sentAt, endAt, outcome, ackedBy, commitAt) records.
function writes(sim: Simulation) {
  const f = sim.facts;
  return f.sentAt.map((sentAt, i) => ({ id: i + 1, sentAt, endAt: f.endAt[i]!, outcome: f.outcome[i]!, ackedBy: f.ackedBy[i], commitAt: f.commitAt[i]!, term: f.term[i]! }));
}

describe('history simulator', () => {
  it('is deterministic: one seed, one history', () => {
    const a = simulate(42);
    const b = simulate(42);
    expect(describeScript(a.script)).toBe(describeScript(b.script));
    expect(a.ledger.counts()).toEqual(b.ledger.counts());
    expect(a.truth).toEqual(b.truth);
    expect(a.entries).toEqual(b.entries);
  });

  it('builds the same Ledger from its columns as through send / acked / failed', () => {
    for (const seed of [3, 5, 8]) {
      const sim = simulate(seed);
      const rows = (l: ReturnType<typeof buildLedger>): string[] => {
        const out: string[] = [];
        l.forEach((id, sentAt, endAt, outcome, node) => out.push(`${id} ${sentAt} ${endAt} ${outcome} ${l.nodeNames[node - 1]}`));
        return out;
      };
      const reference = buildLedger(sim.facts, false);
      expect(rows(sim.ledger)).toEqual(rows(reference));
      expect(sim.ledger.nodeNames).toEqual(reference.nodeNames);
      expect(sim.ledger.counts()).toEqual(reference.counts());
    }
  });

  it('with no fault: no window, nothing lost, nothing in doubt, every write acknowledged and present', () => {
    const sim = simulate(base());
    expect(sim.truth.faults).toEqual([]);
    expect(sim.truth.worst).toBeUndefined();
    expect(sim.truth).toMatchObject({ lost: 0, splitBrain: 0, inDoubt: 0 });
    const all = writes(sim);
    expect(all.length).toBeGreaterThan(5000);
    for (const w of all) {
      expect(w.outcome).toBe(OUTCOME.acked);
      expect(sim.readback.has(w.id)).toBe(true);
    }
  });

  it('a harmless fault disrupted no client: RTO truth 0, no loss, every write prompt', () => {
    const sim = simulate(base({ faults: [fault(1, { t0: 10_000, effect: { kind: 'none' }, target: 'pg-c', expectNoImpact: true })] }));
    expect(sim.truth.faults[0]).toMatchObject({ disrupted: false, rtoMs: 0, lost: 0, rpoMs: 0 });
    expect(sim.truth.worst).toBeUndefined();
    for (const w of writes(sim)) expect(w.endAt - w.sentAt).toBeLessThanOrEqual(4 * 2);
  });

  it('a primary crash with asynchronous replication loses the writes committed in the last `lag` ms, attributed to it, not split brain', () => {
    const sim = simulate(base({ lagMs: 200, faults: [crashFailover(1, 20_000, 8000)] }));
    const t = sim.truth.faults[0]!;
    expect(t).toMatchObject({ disrupted: true, splitBrain: 0 });
    expect(t.rtoMs).toBeCloseTo(8000, 6);
    expect(t.lost).toBeGreaterThanOrEqual(18);
    expect(t.lost).toBeLessThanOrEqual(21);
    expect(t.rpoMs).toBeGreaterThan(190);
    expect(t.rpoMs).toBeLessThanOrEqual(200);
    for (const id of t.lostIds) {
      const w = writes(sim)[id - 1]!;
      expect(w.commitAt).toBeGreaterThan(20_000 - 200);
      expect(w.commitAt).toBeLessThan(20_000);
      expect(w.ackedBy).toBe('pg-a');
    }
  });

  it('with synchronous replication the same crash loses nothing', () => {
    const sim = simulate(base({ lagMs: 0, faults: [crashFailover(1, 20_000, 8000)] }));
    expect(sim.truth.faults[0]).toMatchObject({ lost: 0, rpoMs: 0 });
  });

  it('replicas cut off at 10 s, then a primary crash at 40 s: RPO ≈ 30 s, about 3,000 writes lost to the crash, no split brain', () => {
    const cut = fault(1, { t0: 10_000, effect: { kind: 'replica-cut' }, type: 'network-loss', revertedAt: 60_000 });
    const crash = crashFailover(2, 40_000, 5000);
    const sim = simulate(base({ lagMs: 5, faults: [cut, crash] }, { stopAt: 70_000 }));
    const [c, k] = sim.truth.faults;
    expect(c).toMatchObject({ disrupted: false, lost: 0 });
    expect(k!.splitBrain).toBe(0);
    // Commits after the cut's handover (10 000 − 5 ms of lag) are lost: the first one lands
    // within one send interval (10 ms) of it.
    expect(k!.rpoMs).toBeGreaterThan(29_985);
    expect(k!.rpoMs).toBeLessThanOrEqual(30_005);
    expect(k!.lost).toBeGreaterThan(2990);
    expect(k!.lost).toBeLessThan(3010);
    expect(sim.truth.splitBrain).toBe(0);
  });

  it('a split brain loses the old primary’s writes; those committed while the new primary also accepted writes are split-brain writes', () => {
    const t0 = 20_000;
    const sb = fault(1, { t0, type: 'zone-partition', effect: { kind: 'split-brain', promoteAt: t0 + 4000, routeAt: t0 + 5000, to: 'pg-b', fenceAt: t0 + 15_500 }, restoredAt: t0 + 5000, revertedAt: t0 + 15_000 });
    const sim = simulate(base({ lagMs: 30, faults: [sb] }, { concurrency: 4 }));
    const t = sim.truth.faults[0]!;
    expect(t.rtoMs).toBeCloseTo(5000, 6);
    expect(t.splitBrain).toBeGreaterThan(100);
    expect(t.lost).toBeGreaterThan(t.splitBrain);
    const all = writes(sim);
    const lost = new Set(t.lostIds);
    for (const w of all) {
      if (lost.has(w.id)) expect(w.ackedBy).toBe('pg-a');
      if (w.ackedBy === 'pg-b') expect(sim.readback.has(w.id)).toBe(true);
    }
    // Both servers acknowledged writes during the spread.
    const spread = all.filter((w) => w.outcome === OUTCOME.acked && w.sentAt > t0 + 6000 && w.sentAt < t0 + 14_000);
    expect(new Set(spread.map((w) => w.ackedBy))).toEqual(new Set(['pg-a', 'pg-b']));
  });

  it('a freeze shorter than the write timeout: writes hang and are acknowledged at the thaw, nothing in doubt, nothing lost', () => {
    const f = fault(1, { t0: 20_000, type: 'node-freeze', effect: { kind: 'freeze', thawAt: 21_500 }, restoredAt: 21_500, revertedAt: 21_500 });
    const sim = simulate(base({ lagMs: 100, faults: [f] }, { writeTimeoutMs: 3000 }));
    expect(sim.truth).toMatchObject({ lost: 0, inDoubt: 0 });
    expect(sim.truth.faults[0]!.rtoMs).toBeCloseTo(1500, 6);
    const hung = writes(sim).filter((w) => w.sentAt >= 20_000 && w.sentAt < 21_500);
    expect(hung.length).toBe(1); // one worker: its write hangs, nothing else is sent meanwhile
    expect(hung[0]!.endAt).toBeGreaterThan(21_500);
  });

  it('a late-completing fault keeps its true t0: RTO is measured from the harm, not from the injector’s return', () => {
    const f = crashFailover(1, 20_000, 9000, 'pg-c', { injectedAt: 80_000, revertedAt: 85_000, type: 'zone-outage' });
    const sim = simulate(base({ faults: [f] }, { stopAt: 100_000 }));
    expect(sim.truth.faults[0]).toMatchObject({ t0: 20_000, disrupted: true });
    expect(sim.truth.faults[0]!.rtoMs).toBeCloseTo(9000, 6);
    const injected = sim.entries.find((e) => e.kind === 'fault-injected');
    const effective = sim.entries.find((e) => e.kind === 'fault-effective');
    expect(injected?.at).toBe(80_000);
    expect(effective?.at).toBe(20_000);
  });

  it('journals each fault in order: armed, effective at t0, injected, reverting, reverted; and a leader change after a failover', () => {
    const sim = simulate(base({ faults: [crashFailover(1, 20_000, 8000)] }));
    const kinds = sim.entries.filter((e) => 'fault' in e).map((e) => e.kind);
    expect(kinds).toEqual(['fault-armed', 'fault-effective', 'fault-injected', 'fault-reverting', 'fault-reverted']);
    expect(sim.entries[0]!.kind).toBe('run-start');
    const leaders = sim.entries.filter((e) => e.kind === 'observation' && e.probe === 'leader').map((e) => (e as { value: { leader: string } }).value.leader);
    expect(leaders).toEqual(['pg-a', 'pg-b']);
    for (let i = 1; i < sim.entries.length; i++) expect(sim.entries[i]!.at).toBeGreaterThanOrEqual(sim.entries[i - 1]!.at);
  });

  it('an isolated slow write is one write, while the other connections carry on', () => {
    const sim = simulate(base({ outliers: [{ at: 20_000, extraMs: 800 }] }, { concurrency: 4 }));
    const all = writes(sim);
    const slow = all.filter((w) => w.endAt - w.sentAt > 100);
    expect(slow.length).toBe(1);
    const during = all.filter((w) => w.endAt > slow[0]!.sentAt && w.endAt < slow[0]!.endAt && w.id !== slow[0]!.id);
    expect(during.length).toBeGreaterThan(60);
  });

  describe('over random histories, the truth is consistent with the world', () => {
    const seeds = Array.from({ length: 300 }, (_, i) => 1000 + i);
    it.each([0, 1, 2])('histories %i of 3', (part) => {
      for (const seed of seeds.filter((_, i) => i % 3 === part)) {
        const sim = simulate(generate(seed, { quick: seed % 2 === 0 }));
        expect(inconsistencies(sim), describeScript(sim.script)).toEqual([]);
      }
    });
  });
});

// What in a simulation contradicts its own world (empty: nothing). Collected rather than
// asserted one by one: a history has thousands of writes.
function inconsistencies(sim: Simulation): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: () => string): void => {
    if (!ok && out.length < 10) out.push(what());
  };
  const all = writes(sim);
  const s = sim.script;
  const maxPrompt = 4 * s.load.latencyMs + 1;
  // The outlier writes: the first sent at or after each outlier's moment.
  const outlierIds = new Set(s.outliers.map((o) => all.find((w) => w.sentAt >= o.at)?.id));
  let lost = 0;
  let inDoubt = 0;
  for (const w of all) {
    const at = (): string => JSON.stringify(w);
    if (w.outcome === OUTCOME.inDoubt || w.outcome === OUTCOME.pending) inDoubt++;
    // Proved uncommitted: never committed, never present.
    if (w.outcome === OUTCOME.failed) check(Number.isNaN(w.commitAt) && !sim.readback.has(w.id), () => `failed but committed or present: ${at()}`);
    if (w.outcome === OUTCOME.acked) {
      check(w.commitAt >= w.sentAt && w.commitAt <= w.endAt, () => `commit outside send…ack: ${at()}`);
      // Acknowledged by the server it committed on, while that server was a writable primary.
      const term = sim.world.terms[w.term]!;
      check(term.server === w.ackedBy && w.commitAt >= term.from && w.commitAt < term.to, () => `acknowledged outside its server's term: ${at()}`);
      if (!sim.readback.has(w.id)) lost++;
    }
    if (sim.readback.has(w.id)) check(!Number.isNaN(w.commitAt), () => `present but never committed: ${at()}`);
  }
  const t = sim.truth;
  check(t.lost === lost, () => `truth lost ${t.lost}, acknowledged and absent ${lost}`);
  check(t.inDoubt === inDoubt, () => `truth in doubt ${t.inDoubt}, counted ${inDoubt}`);
  check(t.faults.reduce((n, f) => n + f.lost, 0) === lost, () => 'per-fault lost do not add up');
  check(t.splitBrain === t.faults.reduce((n, f) => n + f.splitBrain, 0), () => 'per-fault split brain does not add up');
  const counts = sim.ledger.counts();
  check(counts['in-doubt'] + counts.pending === inDoubt, () => `ledger in doubt + pending ${counts['in-doubt'] + counts.pending}, facts ${inDoubt}`);
  s.faults.forEach((fs, index) => {
    const f = t.faults[index]!;
    // Lost ids really were acknowledged and are not in the surviving set.
    for (const id of f.lostIds) check(sim.ledger.outcomeOf(id) === 'acked' && !sim.readback.has(id), () => `${f.fault}: lost id ${id} not acknowledged or present`);
    if (f.disrupted) {
      // A disruption the load really saw: a write in flight at t0 or sent before service was
      // back failed, went in doubt or hung.
      const hurt = all.filter((w) => (Number.isNaN(w.endAt) || w.endAt >= f.t0) && w.sentAt < f.restoredAt && (w.outcome !== OUTCOME.acked || w.endAt - w.sentAt > maxPrompt));
      check(hurt.length > 0 && f.rtoMs > 0, () => `${f.fault}: disrupted, but no write was hurt`);
    } else {
      // Harmless: until the next fault, only isolated slow writes (a write sent just before
      // the next fault's t0 may be hurt by it; pending ones at the end are not a disruption).
      const next = s.faults[index + 1]?.t0 ?? Number.POSITIVE_INFINITY;
      const bad = all.filter((w) => w.sentAt >= f.t0 && w.endAt < next && (w.outcome !== OUTCOME.acked || (w.endAt - w.sentAt > maxPrompt && !outlierIds.has(w.id))));
      check(bad.length === 0 && f.rtoMs === 0, () => `${f.fault}: harmless, but ${JSON.stringify(bad.slice(0, 3))}`);
    }
    // Later disruptions come after a stable stretch.
    if (fs.heal) check(fs.heal.at >= fs.restoredAt + s.stabilityWindowMs, () => `${f.fault}: heal stall inside the recovery`);
  });
  for (const b of s.blips) {
    const f = [...s.faults].reverse().find((x) => x.t0 < b.at)!;
    check(b.at >= f.restoredAt + s.stabilityWindowMs, () => `blip at ${b.at} inside the recovery of ${f.id}`);
  }
  // Two servers commit at the same time only during a split brain's spread.
  const spread = s.faults.flatMap((f) => (f.effect.kind === 'split-brain' ? [[f.effect.routeAt, f.effect.fenceAt + s.load.writeTimeoutMs] as const] : []));
  let last: { server: string | undefined; at: number } | undefined;
  for (const w of all) {
    if (w.outcome !== OUTCOME.acked) continue;
    if (last && last.server !== w.ackedBy && w.commitAt < last.at) check(spread.some(([a, z]) => w.commitAt >= a && w.commitAt <= z), () => `two primaries outside a split brain: ${JSON.stringify(w)}`);
    if (!last || w.commitAt > last.at) last = { server: w.ackedBy, at: w.commitAt };
  }
  return out;
}
