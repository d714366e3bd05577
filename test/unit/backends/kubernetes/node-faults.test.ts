import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../harness/backends/kubernetes/client/kube-client.js';
import { connectKubernetes } from '../../../../harness/backends/kubernetes/connected.js';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import { START_ETCD, STOP_ETCD } from '../../../../harness/backends/kubernetes/etcd/static-pods.js';
import type { KindNodeOps } from '../../../../harness/backends/kubernetes/nodes/kind-nodes.js';
import type { ConnectedBackend, RunContext } from '../../../../harness/backends/types.js';
import { MemoryJournal } from '../../../../harness/engine/journal.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { CONTROL_PLANE, memberPod, NS, seedKindCluster, WORKERS } from '../../../helpers/kube-api/kind-like.js';
import type { JsonObject } from '../../../helpers/kube-api/patch.js';
import { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { schemaValidator } from '../../../helpers/kube-schemas.js';
import { injectContext } from '../../../../harness/faults/inject-context.js';

let api: KubeTestServer;
let dir: string;
let connected: ConnectedBackend;
const calls: string[] = [];

const targetOf = (overrides: Record<string, unknown> = {}) =>
  kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind', kubeconfig: path.join(dir, 'kubeconfig'), ...overrides });

const setReady = (name: string, status: 'True' | 'Unknown') => {
  const node = api.object('v1', 'Node', undefined, name);
  if (node) api.put({ ...node, status: { ...(node.status as JsonObject), conditions: [{ type: 'Ready', status }] } });
};

// kind's node containers as the kubelet and node controller react to them: a killed node
// reads Unknown, a started one Ready (registering again if its Node object was deleted).
const fakeKind = (): KindNodeOps => {
  const deleted = new Map<string, JsonObject>();
  api.store.subscribe((e) => {
    if (e.resource.kind === 'Node' && e.type === 'DELETED') deleted.set(String((e.object.metadata as JsonObject).name), e.object);
  });
  return {
    crash: async (n) => {
      calls.push(`crash ${n}`);
      setImmediate(() => setReady(n, 'Unknown'));
    },
    start: async (n) => {
      calls.push(`start ${n}`);
      setImmediate(() => {
        const gone = deleted.get(n);
        if (gone && !api.object('v1', 'Node', undefined, n)) {
          const { metadata, status: _s, spec: _p, ...rest } = gone;
          const { resourceVersion: _r, uid: _u, ...meta } = metadata as JsonObject;
          api.put({ ...rest, metadata: meta, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
        } else setReady(n, 'True');
      });
    },
    pause: async (n) => void calls.push(`pause ${n}`),
    unpause: async (n) => void calls.push(`unpause ${n}`),
    disconnect: async (n) => {
      calls.push(`disconnect ${n}`);
      return undefined;
    },
    connect: async (n, address) => void calls.push(`connect ${n} ${address ?? '-'}`),
    state: async () => ({ running: true, paused: false, networks: ['kind'] }),
    exec: async (n, script) => {
      calls.push(`exec ${n} ${script === STOP_ETCD ? 'stop etcd' : script === START_ETCD ? 'start etcd' : script}`);
      return '';
    },
  };
};

const runCtx = (journal = new MemoryJournal()) => injectContext({ runId: 'run-1', faultId: 'f1', journal, signal: new AbortController().signal });
const quick = { notReadyMs: 3_000, readyMs: 3_000, drainMs: 1_500 };

async function connectWith(overrides: Record<string, unknown> = {}): Promise<void> {
  await seedKindCluster(api);
  const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
  connected = await connectKubernetes(targetOf(overrides), client, { log: () => {} } as Pick<RunContext, 'log'>, { kind: fakeKind(), nodes: quick });
}

beforeEach(async () => {
  calls.length = 0;
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-k8s-nodes-'));
  api = await KubeTestServer.start({ validate: await schemaValidator([['v1', 'Node']]) });
  writeFileSync(path.join(dir, 'kubeconfig'), api.kubeConfig().exportConfig());
});

afterEach(async () => {
  await connected?.[Symbol.asyncDispose]();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('node faults on kind', () => {
  it('zone-outage of the primary’s zone stops both its nodes, taints them out of service once not Ready, and undoes both', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint' });
    const injector = connected.injector('zone-outage');
    const plan = injector.plan({ zone: 'primary' }, await connected.topology());
    expect(plan.targets).toEqual([WORKERS[0]!.name, WORKERS[1]!.name]);
    expect(plan.description).toContain('out-of-service taint releases its pods');
    const journal = new MemoryJournal();
    const handle = await injector.inject(plan, runCtx(journal));
    expect(calls).toEqual([`crash ${WORKERS[0]!.name}`, `crash ${WORKERS[1]!.name}`]);
    for (const w of WORKERS.slice(0, 2)) {
      expect((api.object('v1', 'Node', undefined, w.name)!.spec as JsonObject).taints).toEqual([{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }]);
    }
    const completion = journal.entries.find((e) => e.kind === 'observation');
    expect(completion).toMatchObject({ probe: 'node-failure-completion', value: { path: 'out-of-service-taint', pods: ['postgres-0'] } });
    expect(journal.entries.findIndex((e) => e.kind === 'fault-armed')).toBeLessThan(journal.entries.indexOf(completion!));
    await handle.revert();
    expect(calls.slice(2)).toEqual([`start ${WORKERS[0]!.name}`, `start ${WORKERS[1]!.name}`]);
    for (const w of WORKERS.slice(0, 2)) expect((api.object('v1', 'Node', undefined, w.name)!.spec as JsonObject).taints).toEqual([]);
  });

  it('node-crash with delete-node deletes the Node, and the revert waits for it to register again', async () => {
    await connectWith({ nodeFailureCompletion: 'delete-node' });
    const injector = connected.injector('node-crash');
    const handle = await injector.inject(injector.plan({ node: 'replica' }, await connected.topology()), runCtx());
    expect(api.object('v1', 'Node', undefined, WORKERS[2]!.name)).toBeUndefined();
    await handle.revert();
    expect(api.object('v1', 'Node', undefined, WORKERS[2]!.name)?.metadata).toMatchObject({ labels: { 'topology.kubernetes.io/zone': 'zone-b' } });
  });

  it('with nodeFailureCompletion none, nothing is done to the Node: the pods wait for Kubernetes', async () => {
    await connectWith();
    const injector = connected.injector('node-crash');
    const plan = injector.plan({ node: 'primary' }, await connected.topology());
    expect(plan.description).toContain('until Kubernetes evicts them (nodeFailureCompletion: none)');
    const handle = await injector.inject(plan, runCtx());
    expect(api.requests.filter((r) => r.method !== 'GET' && r.path.includes('/nodes'))).toEqual([]);
    await handle.revert();
  });

  it('pods evicted within podEvictionTimeout need no completion, and the journal says so', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint', podEvictionTimeout: '5s' });
    const injector = connected.injector('node-crash');
    const plan = injector.plan({ node: 'primary' }, await connected.topology());
    const journal = new MemoryJournal();
    setTimeout(() => api.store.remove(api.resourceTypeOf(memberPod('postgres-0', '', undefined)), NS, 'postgres-0'), 50);
    const handle = await injector.inject(plan, runCtx(journal));
    expect(journal.entries.find((e) => e.kind === 'observation')).toMatchObject({ value: { path: 'evicted' } });
    expect((api.object('v1', 'Node', undefined, WORKERS[0]!.name)!.spec as JsonObject).taints).toBeUndefined();
    await handle.revert();
  });

  it('freeze pauses and unpauses; isolation reconnects with the address it had', async () => {
    await connectWith();
    const topology = await connected.topology();
    await (await connected.injector('node-freeze').inject(connected.injector('node-freeze').plan({ node: 'primary' }, topology), runCtx())).revert();
    await (await connected.injector('node-isolation').inject(connected.injector('node-isolation').plan({ node: 'primary' }, topology), runCtx())).revert();
    expect(calls).toEqual([`pause ${WORKERS[0]!.name}`, `unpause ${WORKERS[0]!.name}`, `disconnect ${WORKERS[0]!.name}`, `connect ${WORKERS[0]!.name} ${WORKERS[0]!.address}`]);
  });

  it('drain cordons, evicts through the PodDisruptionBudget, and uncordons on revert', async () => {
    await connectWith();
    api.put({ ...api.object('policy/v1', 'PodDisruptionBudget', NS, 'postgres')!, status: { disruptionsAllowed: 1 } });
    const injector = connected.injector('node-drain');
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx());
    expect((api.object('v1', 'Node', undefined, WORKERS[0]!.name)!.spec as JsonObject).unschedulable).toBe(true);
    expect(api.object('v1', 'Pod', NS, 'postgres-0')).toBeUndefined();
    expect(api.requests.some((r) => r.method === 'POST' && r.path.endsWith('/pods/postgres-0/eviction'))).toBe(true);
    await handle.revert();
    expect((api.object('v1', 'Node', undefined, WORKERS[0]!.name)!.spec as JsonObject).unschedulable).toBeUndefined();
  });

  it('a drain the budget keeps blocking fails naming the budget', async () => {
    await connectWith();
    const injector = connected.injector('node-drain');
    await expect(injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx())).rejects.toThrow(/did not finish in 1.5s: a PodDisruptionBudget still blocks kdrill-pg\/postgres-0/);
  });

  it('reverts a zone outage from its record alone', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint' });
    const journal = new MemoryJournal();
    const injector = connected.injector('zone-outage');
    await injector.inject(injector.plan({ zone: 'zone-c' }, await connected.topology()), runCtx(journal));
    const record = (journal.entries.find((e) => e.kind === 'fault-armed') as unknown as { revert: Parameters<ConnectedBackend['revertFromRecord']>[0] }).revert;
    await connected.revertFromRecord(record);
    expect(calls.filter((c) => c.startsWith('start'))).toEqual([`start ${WORKERS[4]!.name}`, `start ${WORKERS[5]!.name}`]);
  });
});

describe('etcd faults on kind', () => {
  it('etcd-member-kill parks the static pod’s manifest on the control-plane node, and the revert waits for the API', async () => {
    await connectWith();
    const injector = connected.injector('etcd-member-kill');
    const plan = injector.plan({ node: 'primary' }, await connected.topology());
    expect(plan.targets).toEqual([CONTROL_PLANE.name]);
    const handle = await injector.inject(plan, runCtx());
    await handle.revert();
    expect(calls).toEqual([`exec ${CONTROL_PLANE.name} stop etcd`, `exec ${CONTROL_PLANE.name} start etcd`]);
  });

  it('etcd-quorum-loss asks for more members than there are, and says so', async () => {
    await connectWith();
    expect(() => connected.injector('etcd-quorum-loss').plan({ members: 2 }, { zones: [] })).toThrow(/no etcd member is visible/);
    const topology = await connected.topology();
    expect(() => connected.injector('etcd-quorum-loss').plan({ members: 2 }, topology)).toThrow('etcd-quorum-loss of 2 members, but the cluster has 1');
    expect(connected.injector('etcd-quorum-loss').plan({}, topology).targets).toEqual([CONTROL_PLANE.name]);
  });
});

describe('node faults outside kind', () => {
  it('are refused at validation without a way to stop nodes', () => {
    const generic = targetOf({ provider: 'generic' });
    expect(kubernetesBackend.refuse?.('zone-outage', generic)).toMatch(/needs `target.nodeCommands`/);
    expect(kubernetesBackend.refuse?.('node-freeze', generic)).toMatch(/needs provider "kind"/);
    expect(kubernetesBackend.refuse?.('node-drain', generic)).toBeUndefined();
    expect(kubernetesBackend.refuse?.('etcd-member-kill', generic)).toMatch(/a managed control plane's etcd is out of reach/);
    expect(kubernetesBackend.refuse?.('zone-outage', targetOf({ provider: 'generic', nodeCommands: { stop: ['stop', '{node}'], start: ['start', '{node}'] } }))).toBeUndefined();
  });
});
