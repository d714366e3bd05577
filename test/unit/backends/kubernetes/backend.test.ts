import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../harness/backends/kubernetes/client/kube-client.js';
import { connectKubernetes } from '../../../../harness/backends/kubernetes/connected.js';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import type { ConnectedBackend } from '../../../../harness/backends/types.js';
import { BackendUnavailableError, TargetNotAllowedError } from '../../../../harness/common/errors.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { API_SERVICE_IP, CONTROL_PLANE, memberPod, NS, seedKindCluster, simulateChaosMesh, WORKERS } from '../../../helpers/kube-api/kind-like.js';
import { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { schemaValidator } from '../../../helpers/kube-schemas.js';
import { chaosMeshUnavailable, unlessSkipped } from '../../../helpers/shared-files.js';
import { testInjectContext } from '../../../../harness/testing/inject-context.js';

let api: KubeTestServer;
let dir: string;
let kubeconfig: string;

const targetOf = (overrides: Record<string, unknown> = {}) =>
  kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind', ...overrides });

const runContext = (journal = new MemoryJournal(), lines: string[] = []) => ({ runId: 'run-1', runDir: dir, journal, signal: new AbortController().signal, log: (l: string) => lines.push(l) });

async function start(options: ConstructorParameters<typeof Object>[0] = {}): Promise<void> {
  api = await KubeTestServer.start({
    ...(options as object),
    validate: await schemaValidator([
      ['v1', 'ServiceAccount'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['v1', 'Secret'],
      ['v1', 'ConfigMap'],
      ['v1', 'Service'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['apps/v1', 'StatefulSet'],
    ]),
  });
  writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-k8s-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  process.env.KUBECONFIG = kubeconfig;
});

afterEach(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubernetes backend: connecting', () => {
  beforeEach(() => start());

  it('refuses a context or namespace the scenario does not allow, before any request', async () => {
    await seedKindCluster(api);
    const before = api.requests.length;
    await expect(kubernetesBackend.connect(targetOf({ context: 'prod', allowedContexts: ['kind-kdrill'] }), runContext())).rejects.toBeInstanceOf(TargetNotAllowedError);
    await expect(kubernetesBackend.preflight!(targetOf({ namespace: 'kube-system' }))).rejects.toThrow(/namespace "kube-system" is not in the scenario's allowedNamespaces \(kdrill-pg\)/);
    expect(api.requests.length).toBe(before);
  });

  it('refuses a context the kubeconfig lacks, naming the ones it has', async () => {
    const target = targetOf({ context: 'kind-other', allowedContexts: ['kind-other'] });
    const error = await kubernetesBackend.preflight!(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/kube context "kind-other" is not in .*kubeconfig \(it has kind-kdrill\)/);
    expect((error as Error).message).toContain('kdrill cluster up --backend kind');
  });

  it('says the StatefulSet is missing and how to deploy it', async () => {
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await expect(kubernetesBackend.connect(targetOf(), runContext())).rejects.toThrow(/no StatefulSet kdrill-pg\/postgres in context kind-kdrill[\s\S]*kdrill cluster up --backend kind/);
  });

  it('reads the topology from the API: zones from node labels, roles from Patroni’s pod labels, claims bound to nodes', async () => {
    const { passwords } = await seedKindCluster(api);
    const lines: string[] = [];
    await using connected = await kubernetesBackend.connect(targetOf(), runContext(new MemoryJournal(), lines));
    const topology = await connected.topology();
    expect(topology.zones.map((z) => [z.name, z.nodes.map((n) => n.name)])).toEqual([
      ['control-plane', [CONTROL_PLANE.name]],
      ['zone-a', [WORKERS[0]!.name, WORKERS[1]!.name]],
      ['zone-b', [WORKERS[2]!.name, WORKERS[3]!.name]],
      ['zone-c', [WORKERS[4]!.name, WORKERS[5]!.name]],
    ]);
    const members = topology.zones.flatMap((z) => z.nodes.flatMap((n) => n.members.map((m) => [z.name, n.name, m.name, m.kind, m.role])));
    expect(members).toEqual([
      ['control-plane', CONTROL_PLANE.name, `etcd-${CONTROL_PLANE.name}`, 'etcd', 'unknown'],
      ['zone-a', WORKERS[0]!.name, 'postgres-0', 'postgresql', 'primary'],
      ['zone-b', WORKERS[2]!.name, 'postgres-1', 'postgresql', 'replica'],
      ['zone-c', WORKERS[4]!.name, 'postgres-2', 'postgresql', 'replica'],
    ]);
    const endpoints = await connected.endpoints();
    expect(endpoints).toMatchObject({ readWrite: 'postgresql://postgres@127.0.0.1:5432/postgres', readOnly: 'postgresql://postgres@127.0.0.1:5433/postgres', user: 'postgres' });
    expect(endpoints.password).toBe(passwords.superuser);
    expect(await connected.versions!()).toEqual({ Kubernetes: 'v1.33.1', 'PostgreSQL image': 'kdrill/postgres-patroni:15-bookworm' });
    expect(lines.join('\n')).not.toContain(passwords.superuser);
  });

  it('checks leader and redundancy from the pods', async () => {
    await seedKindCluster(api);
    await using connected = await kubernetesBackend.connect(targetOf(), runContext());
    const ctx = { runId: 'run-1', journal: new MemoryJournal(), signal: new AbortController().signal };
    expect((await connected.check('leader-elected', ctx)).met).toBe(true);
    expect((await connected.check('redundancy-restored', ctx)).met).toBe(true);
    api.put(memberPod('postgres-0', WORKERS[0]!.name, undefined, false));
    expect(await connected.check('leader-elected', ctx)).toMatchObject({ met: false, detail: { primaries: [] } });
    expect((await connected.check('redundancy-restored', ctx)).met).toBe(false);
  });
});

describe('kubernetes backend: Patroni through the pod proxy', () => {
  beforeEach(() => start());

  // Patroni as the pods would answer: a switchover relabels the pods, then says so.
  function patroni(): string[] {
    const asked: string[] = [];
    api.onProxy((_ns, pod, port, path, method, body) => {
      asked.push(`${method} ${pod}:${port}${path} ${body}`);
      if (method === 'GET' && path === '/patroni') return { status: 200, body: JSON.stringify({ state: 'running', role: pod === 'postgres-2' ? 'replica' : 'master' }) };
      if (method === 'POST' && (path === '/switchover' || path === '/failover')) {
        const { candidate } = JSON.parse(body) as { candidate: string };
        setTimeout(() => {
          for (const [name, node] of [['postgres-0', WORKERS[0]!.name], ['postgres-1', WORKERS[2]!.name], ['postgres-2', WORKERS[4]!.name]] as const) {
            api.put(memberPod(name, node, name === candidate ? 'master' : 'replica'));
          }
        }, 20);
        return { status: 200, body: `Successfully ${path === '/switchover' ? 'switched over' : 'failed over'} to "${candidate}"`, contentType: 'text/plain' };
      }
      return undefined;
    });
    return asked;
  }

  it('switchover asks the leader to hand over, then waits until the candidate leads', async () => {
    await seedKindCluster(api);
    const asked = patroni();
    await using connected = await kubernetesBackend.connect(targetOf(), runContext());
    const result = await connected.act('switchover', { to: 'postgres-2' }, { runId: 'run-1', journal: new MemoryJournal(), signal: new AbortController().signal });
    expect(result).toMatchObject({ from: 'postgres-0', to: 'postgres-2', patroni: 'Successfully switched over to "postgres-2"' });
    expect(asked).toEqual(['POST postgres-0:8008/switchover {"leader":"postgres-0","candidate":"postgres-2"}']);
    const failover = await connected.act('failover', {}, { runId: 'run-1', journal: new MemoryJournal(), signal: new AbortController().signal });
    expect(failover).toMatchObject({ from: 'postgres-2', to: 'postgres-0' });
    expect(asked[1]).toBe('POST postgres-0:8008/failover {"candidate":"postgres-0"}');
  });

  it('replication-caught-up holds when Patroni reports every replica at lag 0', async () => {
    await seedKindCluster(api);
    let lag: number | string = 'unknown';
    api.onProxy((_ns, pod, _port, path) =>
      path === '/cluster' && pod === 'postgres-0'
        ? { status: 200, body: JSON.stringify({ members: [{ name: 'postgres-0', role: 'leader' }, { name: 'postgres-1', role: 'replica', lag: 0 }, { name: 'postgres-2', role: 'replica', lag }] }) }
        : undefined,
    );
    await using connected = await kubernetesBackend.connect(targetOf(), runContext());
    const ctx = { runId: 'run-1', journal: new MemoryJournal(), signal: new AbortController().signal };
    expect(await connected.check('replication-caught-up', ctx)).toMatchObject({ met: false, detail: { lags: { 'postgres-1': 0 } } });
    lag = 0;
    expect(await connected.check('replication-caught-up', ctx)).toMatchObject({ met: true, detail: { lags: { 'postgres-1': 0, 'postgres-2': 0 } } });
  });

  it('asks Patroni for the role of a pod without a role label (an existing StatefulSet kdrill did not deploy)', async () => {
    await seedKindCluster(api);
    const asked = patroni();
    api.put(memberPod('postgres-2', WORKERS[4]!.name, undefined));
    await using connected = await kubernetesBackend.connect(targetOf(), runContext());
    const roles = (await connected.topology()).zones.flatMap((z) => z.nodes.flatMap((n) => n.members.filter((m) => m.kind === 'postgresql').map((m) => [m.name, m.role])));
    expect(roles).toEqual([['postgres-0', 'primary'], ['postgres-1', 'replica'], ['postgres-2', 'replica']]);
    expect(asked.every((a) => a.startsWith('GET postgres-2:8008/patroni'))).toBe(true);
  });
});

describe('kubernetes backend: backups with pgBackRest in the leader’s pod', () => {
  beforeEach(() => start());

  const info = (labels: string[]) =>
    JSON.stringify([
      {
        name: 'kdrill',
        backup: labels.map((label, i) => ({
          label,
          type: 'full',
          prior: null,
          timestamp: { start: 1_790_000_000 + i * 100, stop: 1_790_000_010 + i * 100 },
          info: { size: 31_000_000, delta: 31_000_000, repository: { size: 4_000_000, delta: 4_000_000 } },
          archive: { start: '000000010000000000000003', stop: '000000010000000000000003' },
        })),
      },
    ]);

  it('backup runs stanza-create, then the backup, in the leader’s postgres container, and returns the new backup', async () => {
    await seedKindCluster(api);
    const labels: string[] = ['20261124-120000F'];
    const ran: string[] = [];
    api.onExec((_ns, pod, container, command) => {
      ran.push(`${pod}/${container}: ${command.join(' ')}`);
      if (command.includes('info')) return { stdout: info(labels) };
      if (command.includes('backup')) labels.push('20261124-130000F');
      return { stdout: '' };
    });
    await using connected = await kubernetesBackend.connect(targetOf(), runContext());
    const result = await connected.act('backup', { type: 'full' }, { runId: 'run-1', journal: new MemoryJournal(), signal: new AbortController().signal });
    expect(result).toMatchObject({ label: '20261124-130000F', type: 'full', pod: 'postgres-0', backupBytes: 31_000_000, walStart: '000000010000000000000003' });
    expect(ran).toEqual([
      'postgres-0/postgres: pgbackrest --stanza=kdrill stanza-create',
      'postgres-0/postgres: pgbackrest --stanza=kdrill --output=json info',
      'postgres-0/postgres: pgbackrest --stanza=kdrill --type=full backup',
      'postgres-0/postgres: pgbackrest --stanza=kdrill --output=json info',
    ]);
    const inventory = await connected.backupInventory!();
    expect(inventory.backups.map((b) => b.label)).toEqual(['20261124-120000F', '20261124-130000F']);
    expect(inventory.locations).toContainEqual({ what: 'member postgres-1', region: 'zone-b' });
    expect(inventory.repository.region).toMatch(/kind host/);
  });

  it('a failed backup fails the step with pgBackRest’s words', async () => {
    await seedKindCluster(api);
    api.onExec((_ns, _pod, _c, command) => (command.includes('backup') ? { exitCode: 82, stderr: 'ERROR: [082]: WAL segment 000000010000000000000004 was not archived before the 60000ms timeout' } : { stdout: info([]) }));
    await using connected = await kubernetesBackend.connect(targetOf(), runContext());
    await expect(connected.act('backup', {}, { runId: 'run-1', journal: new MemoryJournal(), signal: new AbortController().signal })).rejects.toThrow(
      /pgbackrest --stanza=kdrill --type=full backup in postgres-0 exited 82: ERROR: \[082\]: WAL segment .* was not archived/,
    );
  });
});

describe.skipIf(chaosMeshUnavailable)(unlessSkipped('kubernetes backend: Chaos Mesh faults', chaosMeshUnavailable), () => {
  let connected: ConnectedBackend;
  const contextOf = (journal: MemoryJournal, faultId = 'f1') => testInjectContext({ runId: 'run-1', faultId, journal, signal: new AbortController().signal });

  async function connectWith(chaos: Parameters<typeof simulateChaosMesh>[1] = {}) {
    await seedKindCluster(api);
    const seen = simulateChaosMesh(api, chaos);
    connected = await kubernetesBackend.connect(targetOf(), runContext());
    return seen;
  }

  beforeEach(() => start());
  afterEach(async () => {
    await connected?.[Symbol.asyncDispose]();
  });

  it('pod-kill of the primary: journals the record first, creates a labelled PodChaos, waits for injection, and deletes it on revert', async () => {
    const seen = await connectWith();
    const injector = connected.injector('pod-kill');
    const plan = injector.plan({ pod: 'primary', gracePeriod: 0 }, await connected.topology());
    expect(plan.targets).toEqual(['postgres-0']);
    const journal = new MemoryJournal();
    const handle = await injector.inject(plan, contextOf(journal));
    const armed = journal.entries.find((e) => e.kind === 'fault-armed');
    expect(armed).toMatchObject({ revert: { backend: 'kubernetes', type: 'pod-kill', data: { objects: [{ kind: 'PodChaos', namespace: NS }] } } });
    const name = (armed as unknown as { revert: { data: { objects: { name: string }[] } } }).revert.data.objects[0]!.name;
    const chaos = api.object('chaos-mesh.org/v1alpha1', 'PodChaos', NS, name)!;
    expect(chaos.metadata).toMatchObject({ labels: { 'app.kubernetes.io/managed-by': 'kdrill', 'kdrill.dev/run-id': 'run-1', 'kdrill.dev/fault-id': 'f1' } });
    expect(chaos.spec).toEqual({ action: 'pod-kill', mode: 'all', selector: { namespaces: [NS], pods: { [NS]: ['postgres-0'] } }, gracePeriod: 0 });
    expect(seen.injected).toHaveLength(1);
    expect(journal.entries.map((e) => e.kind)).toEqual(['fault-armed', 'fault-effective', 'fault-milestone']);
    expect(journal.entries[1]).toMatchObject({ fault: 'f1', detail: { action: 'created', object: `PodChaos ${NS}/${name}` } });
    await handle.revert();
    expect(seen.recovered).toEqual([name]);
    expect(api.object('chaos-mesh.org/v1alpha1', 'PodChaos', NS, name)).toBeUndefined();
    await handle.revert();
    expect(api.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('zone-partition cuts the zone’s pods from the other zones’ nodes and from the control plane', async () => {
    await connectWith();
    const plan = connected.injector('zone-partition').plan({ zone: 'primary' }, await connected.topology());
    const object = (plan.resolved as { object: { spec: Record<string, unknown> } }).object;
    expect(object.spec).toMatchObject({
      action: 'partition',
      direction: 'both',
      selector: { namespaces: [NS], labelSelectors: { 'app.kubernetes.io/instance': 'postgres', 'cluster-name': 'postgres' }, nodeSelectors: { 'topology.kubernetes.io/zone': 'zone-a' } },
      target: { mode: 'all', selector: { nodes: [CONTROL_PLANE.name, ...WORKERS.slice(2).map((w) => w.name)] } },
      externalTargets: [CONTROL_PLANE.address, API_SERVICE_IP],
    });
    const handle = await connected.injector('zone-partition').inject(plan, contextOf(new MemoryJournal()));
    await handle.revert();
  });

  it('journals t0 right after the object is created, before Chaos Mesh reports AllInjected', async () => {
    await seedKindCluster(api);
    const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
    await using direct = await connectKubernetes(targetOf(), client, { log: () => {} }, { chaos: { injectMs: 1_000, recoverMs: 2_000 } });
    const injector = direct.injector('network-loss');
    const plan = injector.plan({ loss: 50 }, await direct.topology());
    // Chaos Mesh plays along only once t0 is journalled: an injector that waited for
    // AllInjected first would time out here.
    let atEffective: unknown[] | undefined;
    const journal = new MemoryJournal();
    const append = journal.append.bind(journal);
    journal.append = async (entry) => {
      if (entry.kind === 'fault-effective') {
        const live = api.objects('chaos-mesh.org/v1alpha1', 'NetworkChaos', NS);
        atEffective = live.map((o) => o.status ?? null);
        const containerRecords = [0, 1, 2].map((i) => ({ id: `${NS}/postgres-${i}`, selectorKey: '.', phase: 'Injected', injectedCount: 1, recoveredCount: 0 }));
        for (const o of live) api.put({ ...o, status: { experiment: { desiredPhase: 'Run', containerRecords }, conditions: [{ type: 'Selected', status: 'True' }, { type: 'AllInjected', status: 'True' }] } });
      }
      await append(entry);
    };
    const handle = await injector.inject(plan, testInjectContext({ runId: 'run-1', faultId: 'f1', journal, signal: new AbortController().signal }));
    expect(atEffective).toEqual([null]);
    expect(journal.entries.map((e) => e.kind)).toEqual(['fault-armed', 'fault-effective', 'fault-milestone']);
    expect(journal.entries[1]).toMatchObject({ detail: { action: 'created', object: expect.stringMatching(/^NetworkChaos kdrill-pg\/kdrill-network-loss-f1-/) } });
    await handle.revert();
  });

  it('a chaos object Chaos Mesh never injects fails the step, naming its conditions, and is deleted again', async () => {
    await seedKindCluster(api);
    simulateChaosMesh(api, { inject: false });
    const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
    await using direct = await connectKubernetes(targetOf(), client, { log: () => {} }, { chaos: { injectMs: 300, recoverMs: 2_000 } });
    const injector = direct.injector('network-delay');
    const plan = injector.plan({ latency: 200, jitter: 0, correlation: 0 }, await direct.topology());
    const journal = new MemoryJournal();
    await expect(injector.inject(plan, testInjectContext({ runId: 'run-1', faultId: 'f1', journal, signal: new AbortController().signal }))).rejects.toThrow(
      /Chaos Mesh did not inject NetworkChaos kdrill-pg\/kdrill-network-delay-f1-\w+ \(Selected=True, AllInjected=False; not injected: kdrill-pg\/postgres-0 \(Not Injected: rpc error: [^)]+\), .+\): is the chaos-daemon running/,
    );
    expect(api.objects('chaos-mesh.org/v1alpha1', 'NetworkChaos', NS)).toEqual([]);
    // The object existed, so harm may have begun: t0 stands.
    expect(journal.entries.map((e) => e.kind)).toEqual(['fault-armed', 'fault-effective']);
  });

  it('reverts from the journalled record alone, as `kdrill cleanup` does', async () => {
    const seen = await connectWith();
    const injector = connected.injector('cpu-stress');
    const journal = new MemoryJournal();
    await injector.inject(injector.plan({ pod: 'replica', workers: 1, load: 50 }, await connected.topology()), contextOf(journal, 'f7'));
    const record = (journal.entries.find((e) => e.kind === 'fault-armed') as { revert: Parameters<ConnectedBackend['revertFromRecord']>[0] }).revert;
    await using cleanup = await kubernetesBackend.connect(targetOf(), { ...runContext(), attachOnly: true });
    await cleanup.revertFromRecord(record);
    expect(seen.recovered).toHaveLength(1);
    expect(api.objects('chaos-mesh.org/v1alpha1', 'StressChaos', NS)).toEqual([]);
    await cleanup.revertFromRecord(record);
  });
});

describe('kubernetes backend: without Chaos Mesh', () => {
  it('says Chaos Mesh is not installed and how to install it', async () => {
    await start({ withoutGroups: ['chaos-mesh.org'] });
    await seedKindCluster(api);
    await using connected = await kubernetesBackend.connect(targetOf(), runContext());
    const injector = connected.injector('pod-failure');
    const plan = injector.plan({ pod: 'postgres-1' }, await connected.topology());
    await expect(injector.inject(plan, testInjectContext({ runId: 'run-1', faultId: 'f1', journal: new MemoryJournal(), signal: new AbortController().signal }))).rejects.toThrow(
      /Chaos Mesh is not installed in this cluster[\s\S]*helm install chaos-mesh/,
    );
  });
});
