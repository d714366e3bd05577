import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeBackup } from '../../../harness/backends/local/backup/pgbackrest.js';
import { backupCorruption } from '../../../harness/backends/local/injectors/backup-faults.js';
import { listNetns } from '../../../harness/backends/local/network/index.js';
import { removeScratch, restoreIntoScratch, scratchTarget } from '../../../harness/backends/local/restore/scratch.js';
import { RestoreFailed } from '../../../harness/backends/local/restore/from-repository.js';
import { localBackend } from '../../../harness/backends/local/index.js';
import { loadState, saveState } from '../../../harness/backends/local/state.js';
import { withDb, type DbTarget } from '../../../harness/db/target.js';
import { localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

const idsIn = (target: DbTarget) => withDb(target, 30_000, async (c) => (await c.query<{ id: number }>('select id from restore_test order by id')).rows.map((r) => Number(r.id)));

describe.skipIf(unavailable)(`restores into a scratch instance${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 300_000 }, () => {
  it('restores the latest backup and its archived WAL, stops a point-in-time restore where told, detects a damaged backup, and removes every instance', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster();
    const state = cluster.state;
    const rw = cluster.serviceTarget();
    const log: string[] = [];
    const request = { runId: 'restore-test', timeoutMs: 120_000, log: (line: string) => log.push(line) };
    const namespacesBefore = await listNetns();

    await withDb(rw, 30_000, async (c) => {
      await c.query('create table restore_test (id int primary key, at timestamptz not null default clock_timestamp())');
      await c.query('insert into restore_test (id) select g from generate_series(1, 100) g');
    });
    const backup = await takeBackup(state, 'full');
    // Written after the backup: in the restore only through archived WAL (switched out here).
    await withDb(rw, 30_000, async (c) => {
      await c.query('insert into restore_test (id) select g from generate_series(101, 200) g');
    });
    const between = new Date();
    await new Promise((r) => setTimeout(r, 1_100));
    await withDb(rw, 30_000, async (c) => {
      await c.query('insert into restore_test (id) select g from generate_series(201, 300) g');
      await c.query('select pg_switch_wal()');
    });
    await new Promise((r) => setTimeout(r, 3_000)); // archive_command pushes the segment

    // Latest: the backup, then the archived WAL to its end.
    const latest = await restoreIntoScratch(state, { ...request, target: { kind: 'latest' } });
    expect(latest).toMatchObject({ name: 'restore-1', target: 'latest', backup: { label: backup.label } });
    expect(latest.restoredBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(latest.timeline).toBeGreaterThan(1); // promoted: a new timeline
    const latestTarget = scratchTarget(state, 'restore-1');
    expect(latestTarget.host).not.toBe('127.0.0.1');
    expect(await idsIn(latestTarget)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // Its own instance: a write there does not reach the cluster.
    await withDb(latestTarget, 10_000, (c) => c.query('insert into restore_test (id) values (9999)'));
    expect(await idsIn(rw)).not.toContain(9999);

    // Point in time: the rows committed after `between` are not there.
    const pitr = await restoreIntoScratch(state, { ...request, target: { kind: 'time', time: between, basis: 'test' } });
    expect(pitr.name).toBe('restore-2');
    expect(await idsIn(scratchTarget(state, 'restore-2'))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(Object.keys(state.restores ?? {})).toEqual(['restore-1', 'restore-2']);

    // A damaged backup: the restore fails with pgBackRest's evidence, not with a crash.
    const data = { backup: 'latest' as const, bytes: 64, faultId: 's1-corrupt' };
    await backupCorruption.harm(cluster, data);
    const failed = await restoreIntoScratch(state, { ...request, target: { kind: 'latest' } }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RestoreFailed);
    expect((failed as RestoreFailed).code).toBe('RECOVERY_FAILED');
    expect((failed as Error).message).toMatch(/pgBackRest could not restore backup .*(checksum|lz4|decompress|error)/i);
    await backupCorruption.heal(cluster, data);
    expect(existsSync(path.join(state.dir, 'fault-saves', 's1-corrupt.json'))).toBe(false);

    for (const name of Object.keys(state.restores ?? {})) expect(await removeScratch(state, name)).toEqual([]);
    expect(state.restores).toEqual({});
    expect(existsSync(path.join(state.dir, 'restores', 'restore-1'))).toBe(false);
    expect(await listNetns()).toEqual(namespacesBefore);
    // Healed: the repository restores again.
    const again = await restoreIntoScratch(state, { ...request, target: { kind: 'latest' } });
    expect(await idsIn(scratchTarget(state, again.name))).toHaveLength(300);
    expect(await removeScratch(state, again.name)).toEqual([]);
  });

  it('kdrill cleanup removes an instance whose run died, and leaves the standing cluster up', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster();
    const state = cluster.state;
    await takeBackup(state, 'full');
    const instance = await restoreIntoScratch(state, { target: { kind: 'latest' }, runId: 'gone', timeoutMs: 120_000, log: () => {} });
    // The run that made it is gone (no process has this pid and start time).
    state.restores![instance.name] = { ...state.restores![instance.name]!, owner: { runId: 'gone', pid: 999_999, startTime: 1 } };
    await saveState(state);

    const log: string[] = [];
    const { removed, problems } = await localBackend.reap!((line) => log.push(line));
    expect(problems).toEqual([]);
    expect(removed).toEqual([`${state.clusterId}/${instance.name}`]);
    expect(log.join('\n')).toContain(`restored instance ${instance.name} belongs to a run that is gone`);
    expect((await listNetns()).some((ns) => ns.includes('restore'))).toBe(false);
    expect((await loadState(state.dir))?.restores).toEqual({});
    expect((await cluster.observe()).healthy).toBe(true);
  });
});
