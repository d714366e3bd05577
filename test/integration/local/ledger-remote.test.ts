import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';
import { Ledger } from '../../../harness/load/ledger/ledger.js';
import { bundleLedgerDriver } from '../../../harness/load/ledger-remote/bundle.js';
import { startRemoteLedgerLoad, waitPrepared } from '../../../harness/load/ledger-remote/client.js';
import { OUTCOMES } from '../../../harness/model/writes.js';
import { ledgerIds } from '../../helpers/drill-results.js';
import { localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';
import { localDriverTransport } from '../../helpers/driver-transport.js';
import { freePort } from '../../helpers/free-port.js';

const unavailable = await localBackendUnavailable();

// The bundle a Job's stock Node.js image runs, run here as a process of its own against a
// real cluster: no node_modules beside it, the password only in its environment.
describe.skipIf(unavailable)(`the bundled ledger driver as a process${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 180_000 }, () => {
  it('prepares the table, writes through the cluster, and every acknowledged id it reports is in the table', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster();
    const target = cluster.serviceTarget();
    const dir = await mkdtemp(path.join(tmpdir(), 'kdrill-driver-'));
    const file = path.join(dir, 'ledger-driver.cjs');
    await writeFile(file, await bundleLedgerDriver());
    const port = await freePort();
    const driver = execa(process.execPath, [file], {
      cwd: dir,
      reject: false,
      env: { KDRILL_DB_HOST: target.host, KDRILL_DB_PORT: String(target.port), KDRILL_DB_USER: target.user, KDRILL_DB_PASSWORD: target.password, KDRILL_DB_NAME: 'kdrill_remote', KDRILL_RATE: '100', KDRILL_CONCURRENCY: '2', KDRILL_PORT: String(port) },
      extendEnv: false,
    });
    try {
      const clock = monotonicClock();
      const transport = localDriverTransport(port);
      await waitPrepared(transport, clock, 60_000, 'the driver');
      const ledger = new Ledger();
      const load = await startRemoteLedgerLoad({ transport, clock, ledger, log: () => {}, what: 'the driver', pollMs: 100 });
      expect(load.alignment.uncertaintyMs).toBeLessThan(1_000);
      await new Promise((r) => setTimeout(r, 3_000));
      const summary = await load.stop();

      expect(summary.acked).toBeGreaterThan(100);
      expect(summary.failed + summary.inDoubt).toBe(0);
      expect(summary.walBytes).toBeGreaterThan(0);
      expect(ledger.size).toBe(summary.sent);
      const stored = await ledgerIds({ ...target, database: 'kdrill_remote' });
      let missing = 0;
      ledger.forEach((id, _s, _e, outcome) => {
        if (outcome === OUTCOMES.indexOf('acked') && !stored.has(id)) missing++;
      });
      expect(missing).toBe(0);
      expect(stored.size).toBe(summary.acked);
    } finally {
      driver.kill('SIGTERM');
      const ended = await driver;
      await rm(dir, { recursive: true, force: true });
      expect(ended.stdout).toContain('ledger driver: stopped');
      expect(`${ended.stdout}${ended.stderr}`).not.toContain(target.password);
    }
  });
});
