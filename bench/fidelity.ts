// Measurement fidelity: the primary's node is frozen (SIGSTOP of every process) for exactly N
// seconds under ledger load, and kdrill measures the outage (RTO and client-visible downtime)
// from its journal entry and the ledger. The truth is the span between the freeze and the
// thaw signals, taken on the same monotonic clock. Prints each error. Target: within 100 ms.
// The load connects straight to the primary (not through HAProxy, whose health checks would
// add their own second of real outage) with a write timeout longer than N, so writes hang
// through the freeze and complete at the thaw. The default Patroni profile (ttl 30 s) keeps
// a failover from starting during the freeze.
// Usage: npx tsx bench/fidelity.ts [N seconds…]   (default: 1 2 5 10)
import { PG_PORT } from '../harness/backends/local/config/patroni.js';
import { monotonicClock } from '../harness/engine/clock.js';
import type { JournalEntry } from '../harness/engine/journal-types.js';
import { Ledger } from '../harness/load/ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from '../harness/load/ledger-driver/index.js';
import { measureRto } from '../harness/measure/index.js';
import { cpus, withBenchCluster } from './lib/cluster.js';

const lengths = process.argv.slice(2).filter((a) => /^\d+(\.\d+)?$/.test(a)).map(Number);
const outages = lengths.length ? lengths : [1, 2, 5, 10];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const options = { stabilityWindowMs: 3_000, maxGapMs: 250 };

await withBenchCluster({ profile: 'default' }, async (cluster) => {
  const primary = (await cluster.observe()).primaries[0]!;
  const target = { host: cluster.node(primary).address, port: PG_PORT, user: 'postgres', password: cluster.state.credentials.superuser, database: 'postgres' };
  const rows: string[] = [];
  for (const seconds of outages) {
    await prepareLedgerTable(target);
    const clock = monotonicClock();
    const ledger = new Ledger();
    const load = startLedgerLoad({ target, rate: 200, concurrency: 4, writeTimeoutMs: (seconds + 30) * 1000, clock, ledger });
    await sleep(3_000);
    const beforeFreeze = clock.now();
    await cluster.freezeNode(primary);
    const frozen = clock.now(); // what an injector journals as fault-injected
    await sleep(seconds * 1000);
    const beforeThaw = clock.now();
    await cluster.thawNode(primary);
    const thawed = clock.now();
    await sleep(options.stabilityWindowMs + 2_000);
    await load.stop();
    const entries: JournalEntry[] = [{ kind: 'fault-injected', at: frozen, fault: 's1-freeze' }];
    const m = measureRto(entries, ledger, options);
    const truth = (beforeThaw + thawed) / 2 - (beforeFreeze + frozen) / 2;
    const uncertainty = (frozen - beforeFreeze + (thawed - beforeThaw)) / 2;
    const rto = m.rto.value;
    const downtime = m.downtime.value;
    const fmt = (v: number | undefined) => (v === undefined ? 'not measured' : `${v.toFixed(0)} ms (error ${(v - truth >= 0 ? '+' : '') + (v - truth).toFixed(0)} ms)`);
    const row = `N = ${seconds} s: true outage ${truth.toFixed(0)} ms (±${uncertainty.toFixed(0)} ms signal time); RTO ${fmt(rto)}; downtime ${fmt(downtime)}`;
    rows.push(row);
    console.log(row);
  }
  console.log(`\nfidelity (primary frozen for N s, ledger load 200 writes/s, gap bound ${options.maxGapMs} ms, ${await cpus()} CPUs; target: every error within 100 ms)`);
  for (const row of rows) console.log(`  ${row}`);
});
