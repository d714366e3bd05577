import { describe, expect, it } from 'vitest';
import { listBackups, takeBackup } from '../../../harness/backends/local/backup/pgbackrest.js';
import { withDb } from '../../../harness/db/target.js';
import { localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

describe.skipIf(unavailable)(`pgBackRest backups of a real cluster${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 180_000 }, () => {
  it('takes full, incremental and differential backups from the primary, each building on the right one and copying only the files that changed', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster();
    const target = cluster.serviceTarget();
    await withDb(target, 60_000, async (c) => {
      await c.query('create table backup_test (id int primary key, payload text)');
      await c.query(`insert into backup_test select g, repeat('x', 200) from generate_series(1, 200000) g`);
    });
    const full = await takeBackup(cluster.state, 'full');
    await withDb(target, 60_000, (c) => c.query(`insert into backup_test select g, repeat('y', 200) from generate_series(200001, 210000) g`));
    const incr = await takeBackup(cluster.state, 'incr');
    const diff = await takeBackup(cluster.state, 'diff');

    expect(full).toMatchObject({ type: 'full' });
    expect(full.prior).toBeUndefined();
    expect(incr).toMatchObject({ type: 'incr', prior: full.label });
    expect(diff).toMatchObject({ type: 'diff', prior: full.label });
    // The table is about 50 MB. pgBackRest 2.45 (Debian bookworm) has no block incremental:
    // an incremental copies every changed file whole, so 5 % more rows re-copy the table's
    // file, but none of the files that did not change.
    expect(full.backupBytes).toBeGreaterThan(40 * 1024 * 1024);
    expect(incr.backupBytes).toBeGreaterThan(0);
    expect(incr.backupBytes).toBeLessThan(full.backupBytes);
    expect(incr.repoDeltaBytes).toBeLessThan(full.repoDeltaBytes);
    expect(Date.parse(full.stoppedAt)).toBeGreaterThanOrEqual(Date.parse(full.startedAt));
    expect((await listBackups(cluster.state)).map((b) => b.label)).toEqual([full.label, incr.label, diff.label]);
  });
});
