import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PATRONI_PORT } from '../../../harness/backends/local/config/patroni.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

describe.skipIf(unavailable)(`local cluster settings${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 180_000 }, () => {
  it('runs Patroni on the etcd3 DCS with synchronous replication (as a tier0 drill asks), one replica a sync standby', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster({ dcs: 'etcd3', synchronous: true });
    const node = cluster.plan.nodes[0]!;
    const config = (await (await fetch(`http://${node.address}:${PATRONI_PORT}/config`)).json()) as { synchronous_mode?: boolean; ttl?: number };
    expect(config).toMatchObject({ synchronous_mode: true, ttl: 10 });
    const yaml = await readFile(cluster.patroniConfigOf(node.name), 'utf8');
    expect(yaml).toMatch(/^etcd3:\n {2}hosts: /m);
    const members = await eventually(
      'a synchronous standby',
      async () => ((await (await fetch(`http://${node.address}:${PATRONI_PORT}/cluster`)).json()) as { members: { name: string; role: string }[] }).members,
      (m) => m.some((x) => x.role === 'sync_standby'),
      60_000,
    );
    expect(members.filter((m) => m.role === 'sync_standby')).toHaveLength(1);
    expect(await cluster.writeThroughService()).toMatchObject({ ok: true });
  });
});
