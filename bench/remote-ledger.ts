// The ledger driver as a Job runs it: the bundled file in a process of its own, its writes'
// outcomes fetched over HTTP and replayed into a ledger. Against the ledger driver inside
// kdrill's process, on the same server in the same run, as fast as each can, alternating
// order. Prints both rates, their ratio, the clock alignment's uncertainty and the bundle's
// size. (In a cluster the fetches go through the API server's pod proxy; that hop is not
// measured here.)
// Usage: npx tsx bench/remote-ledger.ts [seconds=10] [rounds=3] [--concurrency 4]
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withDb } from '../harness/db/target.js';
import { monotonicClock } from '../harness/common/monotonic-clock.js';
import { Ledger } from '../harness/load/ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from '../harness/load/ledger-driver/index.js';
import { bundleLedgerDriver } from '../harness/load/ledger-remote/bundle.js';
import { startRemoteLedgerLoad, waitPrepared } from '../harness/load/ledger-remote/client.js';
import { cpus, withBenchCluster } from './lib/cluster.js';
import { localDriverTransport } from '../test/helpers/driver-transport.js';
import { freePort } from '../test/helpers/free-port.js';

const args = process.argv.slice(2);
const numbers = args.filter((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')).map(Number);
const seconds = numbers[0] ?? 10;
const rounds = numbers[1] ?? 3;
const concurrency = args.includes('--concurrency') ? Number(args[args.indexOf('--concurrency') + 1]) : 4;

await withBenchCluster({ profile: 'fast' }, async (_cluster, target) => {
  const work = await mkdtemp(path.join(tmpdir(), 'kdrill-bench-'));
  try {
    const started = performance.now();
    const bundle = await bundleLedgerDriver();
    const bundleMs = performance.now() - started;
    const file = path.join(work, 'ledger-driver.cjs');
    await writeFile(file, bundle);

    const runLocal = async (s: number): Promise<{ rate: number }> => {
      await prepareLedgerTable(target);
      await withDb(target, 120_000, (c) => c.query('checkpoint'));
      const load = startLedgerLoad({ target, rate: 'max', concurrency, writeTimeoutMs: 5_000, clock: monotonicClock(), ledger: new Ledger() });
      await new Promise((r) => setTimeout(r, s * 1000));
      const result = await load.stop();
      return { rate: result.acked / ((result.stoppedAt - result.startedAt) / 1000) };
    };
    const uncertainties: number[] = [];
    const runRemote = async (s: number): Promise<{ rate: number }> => {
      await withDb(target, 120_000, (c) => c.query('checkpoint'));
      const port = await freePort();
      const driver = execa(process.execPath, [file], {
        reject: false,
        extendEnv: false,
        env: { KDRILL_DB_HOST: target.host, KDRILL_DB_PORT: String(target.port), KDRILL_DB_USER: target.user, KDRILL_DB_PASSWORD: target.password, KDRILL_DB_NAME: target.database, KDRILL_RATE: 'max', KDRILL_CONCURRENCY: String(concurrency), KDRILL_WRITE_TIMEOUT_MS: '5000', KDRILL_PORT: String(port) },
      });
      try {
        const transport = localDriverTransport(port);
        const clock = monotonicClock();
        await waitPrepared(transport, clock, 60_000, 'the driver');
        const ledger = new Ledger();
        const load = await startRemoteLedgerLoad({ transport, clock, ledger, log: () => {}, what: 'the driver' });
        uncertainties.push(load.alignment.uncertaintyMs);
        await new Promise((r) => setTimeout(r, s * 1000));
        const result = await load.stop();
        if (ledger.size !== result.sent) throw new Error(`the ledger holds ${ledger.size} writes, the driver sent ${result.sent}`);
        return { rate: result.acked / ((result.stoppedAt - result.startedAt) / 1000) };
      } finally {
        driver.kill('SIGTERM');
        await driver;
      }
    };

    await runLocal(2);
    await runRemote(2);
    const local: number[] = [];
    const remote: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? ['local', 'remote'] : ['remote', 'local'];
      for (const which of order) (which === 'local' ? local : remote).push((await (which === 'local' ? runLocal : runRemote)(seconds)).rate);
      console.log(`round ${round} (${order[0]} first): in kdrill ${local.at(-1)!.toFixed(0)} writes/s, as its own process ${remote.at(-1)!.toFixed(0)} writes/s, ratio ${(remote.at(-1)! / local.at(-1)!).toFixed(2)}`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`\nremote-ledger: bundled driver ${mean(remote).toFixed(0)} writes/s vs in-process ${mean(local).toFixed(0)} writes/s, ratio ${(mean(remote) / mean(local)).toFixed(2)}; clock alignment ±${Math.max(...uncertainties).toFixed(2)} ms at worst; bundle ${(Buffer.byteLength(bundle) / 1024).toFixed(0)} KiB built in ${bundleMs.toFixed(0)} ms; ${concurrency} connections, ${seconds} s × ${rounds} rounds each, ${await cpus()} CPUs`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
