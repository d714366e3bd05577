import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { etcdHealthOf } from '../../../harness/backends/local/cluster/observe.js';
import { patroniKeysOf } from '../../../harness/backends/local/etcd/patroni-keys.js';
import { restoreEtcdFromSnapshot } from '../../../harness/backends/local/etcd/restore.js';
import { listEtcdSnapshots, saveEtcdSnapshot } from '../../../harness/backends/local/etcd/snapshot.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

describe.skipIf(unavailable)(`etcd snapshots and restores${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 240_000 }, () => {
  it.each([
    ['etcd', 'the v2 store is not in a v3 snapshot: none of its keys come back, and Patroni writes them again'],
    ['etcd3', "Patroni's keys come back from the snapshot"],
  ] as const)('DCS %s: a snapshot restores a cluster that lost quorum; %s', async (dcs, _what) => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster({ dcs });
    const before = await eventually('Patroni keys', () => patroniKeysOf(cluster), (keys) => keys.includes('leader'));
    const snapshot = await saveEtcdSnapshot(cluster);
    expect(existsSync(snapshot.file)).toBe(true);
    expect(snapshot.bytes).toBeGreaterThan(0);
    expect((await listEtcdSnapshots(cluster.state)).map((s) => s.file)).toEqual([snapshot.file]);
    expect(snapshot.patroniKeys).toBe(dcs === 'etcd3' ? before.length : 0);

    // Quorum lost: two of three members down, and the survivor does not answer as healthy.
    const [a, b, c] = cluster.plan.nodes;
    await cluster.killEtcdOf(a!.name);
    await cluster.killEtcdOf(b!.name);
    await eventually('the survivor unhealthy', () => etcdHealthOf(c!), (h) => h !== 'healthy', 30_000);

    const log: string[] = [];
    const restored = await restoreEtcdFromSnapshot(cluster, (line) => log.push(line));
    expect(restored.snapshot).toBe(snapshot.file);
    expect(await Promise.all(cluster.plan.nodes.map((n) => etcdHealthOf(n)))).toEqual(['healthy', 'healthy', 'healthy']);
    expect(restored.patroniKeysInSnapshot).toBe(dcs === 'etcd3' ? before.length : 0);
    expect(restored.keysAfter).toEqual(expect.arrayContaining(['leader', 'config', 'initialize', ...cluster.plan.nodes.map((n) => `members/${n.name}`)]));
    // The database serves again through the same cluster.
    const view = await eventually('a healthy cluster', () => cluster.observe(), (v) => v.healthy, 120_000);
    expect(view.primaries).toHaveLength(1);
    expect((await cluster.writeThroughService()).ok).toBe(true);
  });
});
