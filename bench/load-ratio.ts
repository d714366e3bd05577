// Ledger writes per second against pgbench's inserts per second, on the same server in the
// same run: both as fast as they can, with the same number of connections, one autocommit
// INSERT of a 64-byte payload per transaction, after a short warm-up of each and a checkpoint
// before every round, in alternating order so drift hits both alike. Target: ≥ 0.8.
// Usage: npx tsx bench/load-ratio.ts [seconds=15] [rounds=4] [--concurrency 4] [--pgbench-jobs 2]
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { withDb } from '../harness/db/target.js';
import { monotonicClock } from '../harness/common/monotonic-clock.js';
import { Ledger } from '../harness/load/ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from '../harness/load/ledger-driver/index.js';
import { parseSummary } from '../harness/load/pgbench/output.js';
import { pgbenchArgs, preparePgbenchTable } from '../harness/load/pgbench/driver.js';
import { writeFile } from 'node:fs/promises';
import { cpus, withBenchCluster } from './lib/cluster.js';

const exec = promisify(execFile);
const args = process.argv.slice(2);
const numbers = args.filter((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')).map(Number);
const seconds = numbers[0] ?? 15;
const rounds = numbers[1] ?? 4;
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const concurrency = option('--concurrency', 4);
// pgbench as the load driver runs it, a thread per core; `--pgbench-jobs 1` (pgbench's own
// default) gives it one thread for all connections, as the ledger's one event loop has.
const pgbenchJobs = option('--pgbench-jobs', 2);

await withBenchCluster({ profile: 'fast' }, async (_cluster, target) => {
  const work = await mkdtemp(path.join(tmpdir(), 'kdrill-bench-'));
  try {
    const script = path.join(work, 'insert.sql');
    await writeFile(script, "insert into kdrill_pgbench (payload) values (repeat('x', 64));\n");
    const pgbenchRates: number[] = [];
    const ledgerRates: number[] = [];
    const runPgbench = async (s: number): Promise<{ rate: number; latencyMs?: number }> => {
      await preparePgbenchTable(target);
      await withDb(target, 120_000, (c) => c.query('checkpoint'));
      const { stdout } = await exec('pgbench', pgbenchArgs({ target, rate: 'max', concurrency }, script, s).filter((a) => a !== '--progress=1').map((a) => (a.startsWith('--jobs=') ? `--jobs=${pgbenchJobs}` : a)), { env: { ...process.env, PGPASSWORD: target.password } });
      const summary = parseSummary(stdout);
      if (!summary) throw new Error(`pgbench printed no summary:\n${stdout}`);
      return { rate: summary.transactions / s, ...(summary.latencyMs !== undefined ? { latencyMs: summary.latencyMs } : {}) };
    };
    const runLedger = async (s: number): Promise<{ rate: number; latencyMs?: number }> => {
      await prepareLedgerTable(target);
      await withDb(target, 120_000, (c) => c.query('checkpoint'));
      const load = startLedgerLoad({ target, rate: 'max', concurrency, writeTimeoutMs: 5_000, clock: monotonicClock(), ledger: new Ledger() });
      await new Promise((r) => setTimeout(r, s * 1000));
      const result = await load.stop();
      return { rate: result.acked / ((result.stoppedAt - result.startedAt) / 1000), ...(result.meanLatencyMs !== undefined ? { latencyMs: result.meanLatencyMs } : {}) };
    };
    // A short unmeasured round of each warms caches and the JIT; then the order alternates
    // (pgbench first, then ledger first) so drift and checkpoints hit both alike.
    await runPgbench(3);
    await runLedger(3);
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? [runPgbench, runLedger] : [runLedger, runPgbench];
      const results = new Map<typeof runPgbench, { rate: number; latencyMs?: number }>();
      for (const run of order) results.set(run, await run(seconds));
      const pg = results.get(runPgbench)!;
      const ledger = results.get(runLedger)!;
      pgbenchRates.push(pg.rate);
      ledgerRates.push(ledger.rate);
      console.log(`round ${round} (${round % 2 === 1 ? 'pgbench first' : 'ledger first'}): pgbench ${pg.rate.toFixed(0)} inserts/s (latency ${pg.latencyMs ?? '?'} ms), ledger ${ledger.rate.toFixed(0)} writes/s (latency ${ledger.latencyMs?.toFixed(3) ?? '?'} ms), ratio ${(ledger.rate / pg.rate).toFixed(2)}`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`\nload-ratio: ledger ${mean(ledgerRates).toFixed(0)} writes/s vs pgbench ${mean(pgbenchRates).toFixed(0)} inserts/s, ratio ${(mean(ledgerRates) / mean(pgbenchRates)).toFixed(2)} (target ≥ 0.8); ${concurrency} connections (pgbench in ${pgbenchJobs} thread${pgbenchJobs === 1 ? '' : 's'}), ${seconds} s × ${rounds} rounds each, ${await cpus()} CPUs`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
