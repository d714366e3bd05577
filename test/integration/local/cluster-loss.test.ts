import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { takeBackup } from '../../../harness/backends/local/backup/pgbackrest.js';
import { etcdDataDir, pgDir } from '../../../harness/backends/local/cluster/start.js';
import { backupCorruption } from '../../../harness/backends/local/injectors/backup-faults.js';
import { clusterLoss } from '../../../harness/backends/local/injectors/cluster-loss.js';
import { listNetns, namespacePids } from '../../../harness/backends/local/network/index.js';
import { rebuildFromBackup } from '../../../harness/backends/local/restore/fresh-cluster.js';
import { RestoreFailed } from '../../../harness/backends/local/restore/from-repository.js';
import { loadState } from '../../../harness/backends/local/state.js';
import { withDb, type DbTarget } from '../../../harness/db/target.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

const idsIn = (target: DbTarget) => withDb(target, 30_000, async (c) => (await c.query<{ id: number }>('select id from loss_test order by id')).rows.map((r) => Number(r.id)));
const insert = (target: DbTarget, from: number, to: number) => withDb(target, 30_000, (c) => c.query('insert into loss_test (id) select g from generate_series($1::int, $2::int) g', [from, to]));

describe.skipIf(unavailable)(`cluster loss and the rebuild from backup${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 600_000 }, () => {
  it('refuses to lose a cluster without a backup, loses every node and its data, rebuilds it in fresh namespaces to a point in time, reports a damaged backup, and heals by rebuilding from the latest', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster();
    const { state, plan } = cluster;
    const rw = cluster.serviceTarget();
    const log: string[] = [];
    const request = { target: { kind: 'latest' } as const, timeoutMs: 240_000, log: (line: string) => log.push(line) };
    const loss = { nodes: plan.nodes.map((n) => n.name), faultId: 's1-loss' };
    await withDb(rw, 30_000, (c) => c.query('create table loss_test (id int primary key)'));
    await insert(rw, 1, 100);

    // Without a backup nothing could bring the cluster back: refused before any harm.
    await expect(clusterLoss.harm(cluster, loss)).rejects.toThrow(/holds no backup/);
    expect(state.lost).toBeUndefined();
    expect((await cluster.observe()).healthy).toBe(true);
    // Nor is a cluster that was not lost replaced.
    await expect(rebuildFromBackup(cluster, request)).rejects.toThrow(/was not lost/);

    await takeBackup(state, 'full');
    // After the backup: in the rebuilt cluster only through the archived WAL (switched out here).
    await insert(rw, 101, 200);
    const between = new Date();
    await new Promise((r) => setTimeout(r, 1_100));
    await insert(rw, 201, 250); // after the point in time the rebuild stops before
    await withDb(rw, 30_000, (c) => c.query('select pg_switch_wal()'));
    await new Promise((r) => setTimeout(r, 3_000)); // archive_command pushes the segment

    await clusterLoss.harm(cluster, loss);
    // The fault took effect: no node, no process, no data, and the Service takes no write.
    expect((await loadState(state.dir))?.lost?.faultId).toBe('s1-loss');
    const namespaces = await listNetns();
    for (const node of plan.nodes) {
      expect(namespaces).not.toContain(node.netns);
      expect(await namespacePids(node.netns)).toEqual([]);
      expect(existsSync(pgDir(state, node.name))).toBe(false);
      expect(existsSync(etcdDataDir(state, node.name))).toBe(false);
    }
    expect((await cluster.writeThroughService()).ok).toBe(false);

    const rebuilt = await rebuildFromBackup(cluster, { ...request, target: { kind: 'time', time: between, basis: 'test' } });
    expect(rebuilt).toMatchObject({ target: between.toISOString(), leader: plan.nodes[0]!.name, nodes: plan.nodes.map((n) => n.name) });
    expect(rebuilt.timeline).toBeGreaterThan(1); // promoted where recovery stopped
    expect(rebuilt.restoredBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(state.lost).toBeUndefined();
    expect(await idsIn(rw)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const node of plan.nodes) expect(await listNetns()).toContain(node.netns);
    const view = await eventually('every replica streaming from the rebuilt primary', () => cluster.observe(), (v) => v.healthy, 180_000);
    expect(view.primaries).toEqual([plan.nodes[0]!.name]);
    // Its new timeline is archived and backed up like the old one (201… were never restored).
    await insert(rw, 201, 300);
    const after = await takeBackup(state, 'incr');
    expect(after.type).toBe('incr');
    // A rebuild already made, heal has nothing to do.
    await clusterLoss.heal(cluster, loss);
    expect((await cluster.observe()).primaries).toEqual(view.primaries);

    // A damaged backup: Patroni gives up bootstrapping, and pgBackRest's words say why.
    const damage = { backup: 'latest' as const, bytes: 64, faultId: 's2-corrupt' };
    await backupCorruption.harm(cluster, damage);
    await clusterLoss.harm(cluster, { ...loss, faultId: 's3-loss' });
    const failed = await rebuildFromBackup(cluster, request).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RestoreFailed);
    expect((failed as Error).message).toMatch(/pgBackRest could not restore backup .*(checksum|lz4|decompress|error)/i);
    expect(state.lost?.faultId).toBe('s3-loss');
    // Healed in order, the repository rebuilds the cluster: the heal of the loss does it.
    await backupCorruption.heal(cluster, damage);
    await clusterLoss.heal(cluster, loss);
    expect(state.lost).toBeUndefined();
    expect(await idsIn(rw)).toHaveLength(300);
  });
});
