import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDb, type DbTarget } from '../../../harness/db/target.js';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';
import { PGBENCH_TABLE, preparePgbenchTable, startPgbenchLoad } from '../../../harness/load/pgbench/driver.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

const rowsIn = async (target: DbTarget): Promise<number> => Number((await withDb(target, 5_000, (c) => c.query<{ n: string }>(`select count(*) as n from ${PGBENCH_TABLE}`))).rows[0]!.n);

describe.skipIf(unavailable)(`pgbench load on a real cluster${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 180_000 }, () => {
  it('runs real pgbench at the asked rate, starts it again after a primary crash, and its counts match the table', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster();
    const work = await mkdtemp(path.join(tmpdir(), 'kdrill-pgbench-'));
    try {
      const target = cluster.serviceTarget();
      await preparePgbenchTable(target);
      const clock = monotonicClock();
      const lines: string[] = [];
      const load = await startPgbenchLoad({ target, rate: 200, concurrency: 4, clock, workDir: work, maxDurationMs: 120_000, log: (l) => lines.push(l) });
      await eventually('pgbench transactions', async () => load.stats().acked, (n) => n >= 300, 20_000);
      expect(load.stats().inDoubt).toBe(0);

      const old = (await cluster.observe()).primaries[0]!;
      await cluster.crashNode(old);
      // The fault had an effect: pgbench lost its clients and had to start again.
      await eventually('pgbench started again', async () => load.stats().connectFailures, (n) => n >= 1, 30_000);
      const afterCrash = load.stats().acked;
      await eventually('transactions on the new primary', async () => load.stats().acked - afterCrash, (n) => n >= 400, 90_000);
      const restarts = load.stats().connectFailures;
      const summary = await load.stop();
      await cluster.startNode(old);

      expect(summary.driver).toBe('pgbench');
      expect(summary.inDoubt, JSON.stringify(summary.errors)).toBeGreaterThan(0);
      expect(Object.keys(summary.errors).join('; ')).toContain('pgbench started again');
      // Progress reports cover whole seconds: the last second of each pgbench run is not in the count.
      const rows = await rowsIn(target);
      expect(summary.acked).toBeLessThanOrEqual(rows);
      expect(rows - summary.acked).toBeLessThanOrEqual(200 * (1 + restarts) + 20);
      expect(lines.join('\n')).toMatch(/pgbench: \d+ transactions in \d+ runs/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
