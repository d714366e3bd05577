// Measurement fidelity on a real cluster: outages of known length, measured by kdrill's own
// measureDrill from a journal and a ledger, against the truth taken on the same monotonic
// clock around the signals that caused them. Prints each error. Target: within 50 ms.
//
// Cases, each its own load and journal:
//   freeze N s      the primary's node frozen (SIGSTOP of every process) for N s, then thawed;
//   two faults      a replica's node frozen for 2 s first (clients see nothing: asynchronous
//                   replication), then the primary frozen for 5 s: the first window must be
//                   "not exercised", the second and the run's RTO 5 s;
//   late injector   the primary frozen for 5 s by a fault whose injector returns 20 s after the
//                   harm (as a Kubernetes node fault does after NotReady and eviction): t0 must
//                   be the harm, so the RTO is still 5 s, not 0.
// The load connects straight to the primary (not through HAProxy, whose health checks would
// add their own second of real outage) with a write timeout longer than the freeze, so writes
// hang through it and complete at the thaw. The default Patroni profile (ttl 30 s) keeps a
// failover from starting during the freeze.
// Usage: npx tsx bench/fidelity.ts [N seconds…]   (default: 1 2 5 10)
import { PG_PORT } from '../harness/backends/local/config/patroni.js';
import type { LocalCluster } from '../harness/backends/local/cluster/handle.js';
import { monotonicClock } from '../harness/common/monotonic-clock.js';
import type { JournalEntry } from '../harness/journal/entries.js';
import { Ledger } from '../harness/load/ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from '../harness/load/ledger-driver/index.js';
import { measureDrill, type DrillMeasurement } from '../harness/measure/index.js';
import { cpus, withBenchCluster } from './lib/cluster.js';

const lengths = process.argv.slice(2).filter((a) => /^\d+(\.\d+)?$/.test(a)).map(Number);
const outages = lengths.length ? lengths : [1, 2, 5, 10];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RATE = 200;
const CONCURRENCY = 4;
const STABILITY_MS = 3_000;
const options = { stabilityWindowMs: STABILITY_MS, load: { rate: RATE, concurrency: CONCURRENCY } };

type Clock = ReturnType<typeof monotonicClock>;

// A fault's journal entries as an injector and the engine write them.
function faultEntries(fault: string, armedAt: number, effectiveAt: number, injectedAt: number, revertedAt: number): JournalEntry[] {
  return [
    { kind: 'fault-armed', at: armedAt, fault, step: fault.split('-')[0]!, revert: { backend: 'local', type: 'node-freeze', faultId: fault, runId: 'bench', data: {} } },
    { kind: 'fault-effective', at: effectiveAt, fault },
    { kind: 'fault-injected', at: injectedAt, fault },
    { kind: 'fault-reverting', at: revertedAt, fault, reason: 'duration-elapsed' },
    { kind: 'fault-reverted', at: revertedAt, fault, reason: 'duration-elapsed' },
  ];
}

// Freezes a node for `ms` and returns the journal entries, and the truth: the span between the
// middles of the freeze and thaw calls, with half their lengths as the signal-time uncertainty.
async function freeze(cluster: LocalCluster, node: string, ms: number, clock: Clock, fault: string, injectorReturnsAfterMs = 0): Promise<{ entries: JournalEntry[]; truth: number; uncertainty: number }> {
  const before = clock.now();
  await cluster.freezeNode(node);
  const frozen = clock.now();
  await sleep(ms);
  const beforeThaw = clock.now();
  await cluster.thawNode(node);
  const thawed = clock.now();
  return {
    entries: faultEntries(fault, before, frozen, frozen + injectorReturnsAfterMs, beforeThaw),
    truth: (beforeThaw + thawed) / 2 - (before + frozen) / 2,
    uncertainty: (frozen - before + (thawed - beforeThaw)) / 2,
  };
}

async function underLoad(target: Parameters<typeof startLedgerLoad>[0]['target'], writeTimeoutMs: number, drive: (clock: Clock) => Promise<JournalEntry[]>): Promise<DrillMeasurement> {
  await prepareLedgerTable(target);
  const clock = monotonicClock();
  const ledger = new Ledger();
  const load = startLedgerLoad({ target, rate: RATE, concurrency: CONCURRENCY, writeTimeoutMs, clock, ledger });
  await sleep(5_000); // the gap bound learns latency and jitter from the stretch before the first fault
  const entries = await drive(clock);
  await sleep(STABILITY_MS + 2_000);
  await load.stop();
  return measureDrill(entries.sort((a, b) => a.at - b.at), ledger, undefined, options);
}

const fmt = (v: number | undefined, truth: number) => (v === undefined ? 'not measured' : `${v.toFixed(0)} ms (error ${(v - truth >= 0 ? '+' : '') + (v - truth).toFixed(0)} ms)`);
const errors: number[] = [];
const row = (label: string, truth: number, uncertainty: number, m: DrillMeasurement, window = m.windows.length - 1): string => {
  const w = m.windows[window]!;
  for (const v of [w.rto.value, w.downtime.value, m.run.get('rto')?.value]) errors.push(v === undefined ? Number.POSITIVE_INFINITY : Math.abs(v - truth));
  return `${label}: true outage ${truth.toFixed(0)} ms (±${uncertainty.toFixed(0)} ms signal time); RTO ${fmt(w.rto.value, truth)}; downtime ${fmt(w.downtime.value, truth)}; run RTO ${fmt(m.run.get('rto')?.value, truth)}; gap bound ${m.gapBound.ms} ms`;
};

await withBenchCluster({ profile: 'default' }, async (cluster) => {
  const observed = await cluster.observe();
  const primary = observed.primaries[0]!;
  const replica = observed.members.map((m) => m.node).find((n) => n !== primary)!;
  const target = { host: cluster.node(primary).address, port: PG_PORT, user: 'postgres', password: cluster.state.credentials.superuser, database: 'postgres' };
  const rows: string[] = [];
  const say = (line: string) => {
    rows.push(line);
    console.log(line);
  };
  for (const seconds of outages) {
    let truth = { truth: 0, uncertainty: 0 };
    const m = await underLoad(target, (seconds + 30) * 1000, async (clock) => {
      const f = await freeze(cluster, primary, seconds * 1000, clock, 's1-freeze');
      truth = f;
      return f.entries;
    });
    say(row(`freeze ${seconds} s`, truth.truth, truth.uncertainty, m));
  }
  {
    let truth = { truth: 0, uncertainty: 0 };
    const m = await underLoad(target, 35_000, async (clock) => {
      const harmless = await freeze(cluster, replica, 2_000, clock, 's1-replica');
      await sleep(STABILITY_MS + 2_000);
      const f = await freeze(cluster, primary, 5_000, clock, 's2-primary');
      truth = f;
      return [...harmless.entries, ...f.entries];
    });
    const first = m.windows[0]!;
    const firstOk = !first.impacted && first.rto.notExercised === true;
    if (!firstOk) errors.push(Number.POSITIVE_INFINITY);
    say(`two faults: replica frozen 2 s first: ${firstOk ? 'not exercised, as it should be' : `WRONG: ${first.rto.why}`}`);
    say(row('two faults: then the primary frozen 5 s', truth.truth, truth.uncertainty, m, 1));
  }
  {
    let truth = { truth: 0, uncertainty: 0 };
    const m = await underLoad(target, 35_000, async (clock) => {
      const f = await freeze(cluster, primary, 5_000, clock, 's1-late', 20_000);
      truth = f;
      return f.entries;
    });
    say(row('late injector (returned 20 s after the harm)', truth.truth, truth.uncertainty, m));
  }
  const worst = Math.max(...errors);
  console.log(`\nfidelity (ledger load ${RATE} writes/s, ${CONCURRENCY} connections, ${await cpus()} CPUs; target: every error within 50 ms)`);
  for (const r of rows) console.log(`  ${r}`);
  console.log(`  worst error: ${Number.isFinite(worst) ? `${worst.toFixed(0)} ms` : 'a figure was not measured or a window was misjudged'}${worst <= 50 ? ' (within 50 ms)' : ' (OVER 50 ms)'}`);
});
