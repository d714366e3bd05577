// Ledger writes per second against pgbench's inserts per second, on the same server in the
// same run: both as fast as they can, with the same number of connections, one autocommit
// INSERT of a 64-byte payload per transaction, alternating so drift hits both. Target: ≥ 0.8.
// Usage: npx tsx bench/load-ratio.ts [seconds=15] [rounds=3] [--concurrency 4]
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { monotonicClock } from '../harness/engine/clock.js';
import { Ledger } from '../harness/load/ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from '../harness/load/ledger-driver/index.js';
import { parseSummary } from '../harness/load/pgbench/output.js';
import { pgbenchArgs, preparePgbenchTable } from '../harness/load/pgbench/driver.js';
import { writeFile } from 'node:fs/promises';
import { cpus, withBenchCluster } from './lib/cluster.js';

const exec = promisify(execFile);
const args = process.argv.slice(2);
const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
const seconds = numbers[0] ?? 15;
const rounds = numbers[1] ?? 3;
const concurrency = args.includes('--concurrency') ? Number(args[args.indexOf('--concurrency') + 1]) : 4;

await withBenchCluster({ profile: 'fast' }, async (_cluster, target) => {
  const work = await mkdtemp(path.join(tmpdir(), 'kdrill-bench-'));
  try {
    const script = path.join(work, 'insert.sql');
    await writeFile(script, "insert into kdrill_pgbench (payload) values (repeat('x', 64));\n");
    const pgbenchRates: number[] = [];
    const ledgerRates: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      await preparePgbenchTable(target);
      const { stdout } = await exec('pgbench', pgbenchArgs({ target, rate: 'max', concurrency }, script, seconds).filter((a) => a !== '--progress=1'), { env: { ...process.env, PGPASSWORD: target.password } });
      const summary = parseSummary(stdout);
      if (!summary) throw new Error(`pgbench printed no summary:\n${stdout}`);
      const pgbenchRate = summary.transactions / seconds;
      pgbenchRates.push(pgbenchRate);

      await prepareLedgerTable(target);
      const ledger = new Ledger();
      const load = startLedgerLoad({ target, rate: 'max', concurrency, writeTimeoutMs: 5_000, clock: monotonicClock(), ledger });
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const result = await load.stop();
      const ledgerRate = result.acked / ((result.stoppedAt - result.startedAt) / 1000);
      ledgerRates.push(ledgerRate);
      console.log(`round ${round}: pgbench ${pgbenchRate.toFixed(0)} inserts/s (latency ${summary.latencyMs ?? '?'} ms), ledger ${ledgerRate.toFixed(0)} writes/s (${result.failed + result.inDoubt} not acknowledged), ratio ${(ledgerRate / pgbenchRate).toFixed(2)}`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`\nload-ratio: ledger ${mean(ledgerRates).toFixed(0)} writes/s vs pgbench ${mean(pgbenchRates).toFixed(0)} inserts/s, ratio ${(mean(ledgerRates) / mean(pgbenchRates)).toFixed(2)} (target ≥ 0.8); ${concurrency} connections, ${seconds} s × ${rounds} rounds each, ${await cpus()} CPUs`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
