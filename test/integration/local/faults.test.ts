import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedLocal } from '../../../harness/backends/local/connected.js';
import type { LocalCluster } from '../../../harness/backends/local/cluster/handle.js';
import { etcdHealthOf } from '../../../harness/backends/local/cluster/observe.js';
import { pgbackrestConfigPath } from '../../../harness/backends/local/config/pgbackrest.js';
import { run, tryRun } from '../../../harness/backends/local/exec.js';
import type { ConnectedBackend } from '../../../harness/backends/types.js';
import { MemoryJournal } from '../../../harness/testing/memory-journal.js';
import type { FaultHandle } from '../../../harness/faults/types.js';
import type { FaultType } from '../../../harness/model/fault.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';
import { testInjectContext } from '../../../harness/testing/inject-context.js';

const unavailable = await localBackendUnavailable();

// One real cluster for the whole file: each test injects one fault, checks its observable
// effect, reverts it and waits until the cluster is healthy again (three members, one primary).
describe.skipIf(unavailable)(`local backend faults on a real cluster${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 180_000 }, () => {
  let home: Awaited<ReturnType<typeof privateHome>>;
  let cluster: LocalCluster & AsyncDisposable;
  let backend: ConnectedBackend;
  const journal = new MemoryJournal();

  beforeAll(async () => {
    home = await privateHome();
    cluster = await startTestCluster();
    backend = connectedLocal(cluster, { owned: false, keep: true, log: () => {} });
  }, 180_000);

  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
    await home?.[Symbol.asyncDispose]();
  }, 60_000);

  const healthy = () => eventually('a healthy cluster', () => cluster.observe(), (v) => v.healthy, 120_000);
  const primary = async () => (await cluster.observe()).primaries[0]!;

  async function inject(type: FaultType, params: Record<string, unknown>): Promise<{ handle: FaultHandle; targets: readonly string[] }> {
    const injector = backend.injector(type);
    const plan = injector.plan(params, await backend.topology());
    const faultId = `s${journal.entries.length + 1}-${type}`;
    const handle = await injector.inject(plan, testInjectContext({ runId: 'it', faultId, journal, signal: new AbortController().signal }));
    // The revert record was journalled before the harm, with the cluster it belongs to, and
    // t0 (fault-effective) once the harm was done.
    expect(journal.entries.at(-2)).toMatchObject({ kind: 'fault-armed', fault: faultId, revert: { backend: 'local', type, data: { clusterId: cluster.state.clusterId } } });
    expect(journal.entries.at(-1)).toMatchObject({ kind: 'fault-effective', fault: faultId });
    return { handle, targets: plan.targets };
  }

  const pidsOf = async (node: string) => (await run('ip', ['netns', 'pids', cluster.node(node).netns])).stdout.split(/\s+/).filter(Boolean);
  const reachable = async (fromNode: string, toAddress: string, port = 2379) => {
    const script = `import socket;s=socket.socket();s.settimeout(1.5);print(s.connect_ex(('${toAddress}',${port})))`;
    const r = await tryRun('ip', ['netns', 'exec', cluster.node(fromNode).netns, 'python3', '-c', script]);
    return !(r instanceof Error) && r.stdout.trim() === '0';
  };

  it('comes up healthy: one primary and two streaming replicas, etcd healthy everywhere', async () => {
    const view = await cluster.observe();
    expect(view.primaries).toHaveLength(1);
    expect(view.members.filter((m) => m.role === 'replica' && m.streaming)).toHaveLength(2);
    expect(view.members.every((m) => m.etcd === 'healthy')).toBe(true);
    expect(await cluster.writeThroughService()).toMatchObject({ ok: true });
  });

  it('archives WAL into a pgBackRest repository in the backup region, outside every node', async () => {
    const config = pgbackrestConfigPath(cluster.state.dir);
    expect(config.startsWith(`${cluster.state.dir}/backup-region/`)).toBe(true);
    // check forces a WAL switch and waits until that segment is in the repository.
    await run('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', 'pgbackrest', `--config=${config}`, '--stanza=kdrill', 'check'], { timeoutMs: 90_000 });
    const info = JSON.parse((await run('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', 'pgbackrest', `--config=${config}`, '--stanza=kdrill', '--output=json', 'info'])).stdout) as { status: { code: number }; archive: { min: string | null; max: string | null }[] }[];
    expect(info[0]!.status.code).toBe(2); // 2: the stanza exists and holds no backup yet
    expect(info[0]!.archive[0]!.max).toMatch(/^[0-9A-F]{24}$/);
  });

  it('primary-crash: every process of the primary dies and a new leader is elected', async () => {
    const old = await primary();
    const { handle, targets } = await inject('primary-crash', {});
    expect(targets).toEqual([old]);
    expect(await pidsOf(old)).toEqual([]);
    const elected = await eventually('a new leader', () => cluster.observe(), (v) => v.primaries.length === 1 && v.primaries[0] !== old);
    expect(elected.primaries[0]).not.toBe(old);
    await handle.revert();
    const after = await healthy();
    expect(after.members.find((m) => m.node === old)?.role).toBe('replica');
  });

  it('node-crash of a replica: its processes are gone, then restarted by the revert', async () => {
    const { handle, targets } = await inject('node-crash', { node: 'replica' });
    expect(await pidsOf(targets[0]!)).toEqual([]);
    expect((await cluster.observe()).members.find((m) => m.node === targets[0])?.patroni).toBe('down');
    await handle.revert();
    await handle.revert(); // a second revert is a no-op
    await healthy();
  });

  it('node-freeze: the node is stopped (SIGSTOP), silent but alive; SIGCONT heals it', async () => {
    const { handle, targets } = await inject('node-freeze', { node: 'replica' });
    const node = targets[0]!;
    const states = await Promise.all((await pidsOf(node)).map(async (pid) => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[0]));
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((s) => s === 'T')).toBe(true);
    expect(await etcdHealthOf(cluster.node(node))).toBe('down');
    await handle.revert();
    await healthy();
  });

  it('node-isolation: the node is unreachable while its processes keep running', async () => {
    const { handle, targets } = await inject('node-isolation', { node: 'replica' });
    const node = targets[0]!;
    expect((await pidsOf(node)).length).toBeGreaterThan(0);
    expect(await etcdHealthOf(cluster.node(node), 1_000)).toBe('down');
    const other = cluster.plan.nodes.find((n) => n.name !== node)!;
    expect(await reachable(node, other.address)).toBe(false);
    await handle.revert();
    await healthy();
  });

  it("zone-partition of the primary's zone: the zone runs on but cannot reach the others; a new leader is elected outside it", async () => {
    const old = await primary();
    const zone = cluster.node(old).zone;
    const { handle } = await inject('zone-partition', { zone: 'primary' });
    const outside = cluster.plan.nodes.filter((n) => n.zone !== zone);
    expect(await reachable(old, outside[0]!.address)).toBe(false);
    expect(await reachable(outside[0]!.name, outside[1]!.address)).toBe(true);
    expect((await pidsOf(old)).length).toBeGreaterThan(0);
    const elected = await eventually('a leader outside the partitioned zone', () => cluster.observe(), (v) => v.primaries.length === 1 && v.primaries[0] !== old);
    expect(cluster.node(elected.primaries[0]!).zone).not.toBe(zone);
    await handle.revert();
    expect(await reachable(old, outside[0]!.address)).toBe(true);
    await healthy();
  });

  it('zone-pair-partition: only the two zones lose each other', async () => {
    const { handle } = await inject('zone-pair-partition', { zones: ['a', 'b'] });
    expect(await reachable('a-1', cluster.node('b-1').address)).toBe(false);
    expect(await reachable('a-1', cluster.node('c-1').address)).toBe(true);
    expect(await reachable('b-1', cluster.node('c-1').address)).toBe(true);
    await handle.revert();
    expect(await reachable('a-1', cluster.node('b-1').address)).toBe(true);
    await healthy();
  });

  it('zone-outage of a replica zone: every node of the zone crashes', async () => {
    const p = await primary();
    const zone = cluster.plan.zones.find((z) => z.name !== cluster.node(p).zone)!.name;
    const { handle, targets } = await inject('zone-outage', { zone });
    expect(targets).toEqual(cluster.nodesOfZone(zone).map((n) => n.name));
    for (const node of targets) expect(await pidsOf(node)).toEqual([]);
    await handle.revert();
    await healthy();
  });

  it('postgres-kill: the postmaster dies and Patroni starts a new one', async () => {
    const p = await primary();
    const before = new Set(await pidsOf(p));
    const { handle } = await inject('postgres-kill', { node: 'primary' });
    await eventually('PostgreSQL restarted by Patroni', () => cluster.observe(), (v) => v.members.find((m) => m.node === p)?.state === 'running' && v.healthy);
    const after = await pidsOf(p);
    expect(after.some((pid) => !before.has(pid))).toBe(true);
    await handle.revert();
    await healthy();
  });

  it('etcd-member-kill: that member is down while the others keep quorum', async () => {
    const { handle, targets } = await inject('etcd-member-kill', { node: 'replica' });
    expect(await etcdHealthOf(cluster.node(targets[0]!))).toBe('down');
    const others = cluster.plan.nodes.filter((n) => n.name !== targets[0]);
    // If the killed member led etcd, the other two elect a leader first (election timeout 1 s).
    const health = await eventually('quorum of the other two', () => Promise.all(others.map((n) => etcdHealthOf(n, 3_000))), (h) => h.every((x) => x === 'healthy'), 15_000);
    expect(health).toEqual(['healthy', 'healthy']);
    expect(await etcdHealthOf(cluster.node(targets[0]!))).toBe('down');
    await handle.revert();
    await healthy();
  });

  it('etcd-quorum-loss: a majority is killed and the survivor has no quorum', async () => {
    const { handle, targets } = await inject('etcd-quorum-loss', {});
    expect(targets).toHaveLength(2);
    const survivor = cluster.plan.nodes.find((n) => !targets.includes(n.name))!;
    expect(await etcdHealthOf(survivor, 3_000)).not.toBe('healthy');
    await handle.revert();
    await healthy();
  });

  it('etcd-data-loss: the data directory is destroyed; the revert rejoins it as a new member', async () => {
    const { handle, targets } = await inject('etcd-data-loss', { node: 'replica' });
    const node = targets[0]!;
    expect(await etcdHealthOf(cluster.node(node))).toBe('down');
    await expect(readFile(`${cluster.state.dir}/nodes/${node}/etcd/member/snap/db`)).rejects.toThrow(/ENOENT/);
    await handle.revert();
    await healthy();
    const members = await run('etcdctl', ['--endpoints', `http://${cluster.node(node).address}:2379`, 'member', 'list'], { env: { ...process.env, ETCDCTL_API: '3' } });
    expect(members.stdout.trim().split('\n')).toHaveLength(3);
  });
});
