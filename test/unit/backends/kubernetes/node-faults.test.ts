import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../harness/backends/kubernetes/client/kube-client.js';
import { connectKubernetes } from '../../../../harness/backends/kubernetes/connected.js';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import { START_ETCD, STOP_ETCD } from '../../../../harness/backends/kubernetes/etcd/static-pods.js';
import type { KindNodeOps } from '../../../../harness/backends/kubernetes/nodes/kind-nodes.js';
import type { ConnectedBackend, RunContext } from '../../../../harness/backends/types.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import type { Journal, JournalEntry } from '../../../../harness/journal/entries.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { CONTROL_PLANE, memberPod, NS, seedKindCluster, WORKERS } from '../../../helpers/kube-api/kind-like.js';
import type { JsonObject } from '../../../helpers/kube-api/patch.js';
import { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { schemaValidator } from '../../../helpers/kube-schemas.js';
import { testInjectContext } from '../../../../harness/testing/inject-context.js';

let api: KubeTestServer;
let dir: string;
let connected: ConnectedBackend;
const calls: string[] = [];

const targetOf = (overrides: Record<string, unknown> = {}) =>
  kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind', ...overrides });

// The node-lifecycle controller's verdict: Ready Unknown and its unreachable taints on, or
// Ready True and them off (the real one, against a real API server: test/integration/kubernetes).
const UNREACHABLE = [
  { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
];
const setReady = (name: string, status: 'True' | 'Unknown') => {
  const node = api.object('v1', 'Node', undefined, name);
  if (!node) return;
  const others = (((node.spec as JsonObject | undefined)?.taints as { key: string }[] | undefined) ?? []).filter((t) => t.key !== 'node.kubernetes.io/unreachable');
  const taints = status === 'Unknown' ? [...others, ...UNREACHABLE] : others;
  api.put({ ...node, spec: { ...(node.spec as JsonObject), taints }, status: { ...(node.status as JsonObject), conditions: [{ type: 'Ready', status }] } });
};
// What the kubelet posts when it starts with another --node-ip: the Node Ready at that address.
const registerAt = (name: string, address: string) => {
  const node = api.object('v1', 'Node', undefined, name)!;
  api.put({ ...node, status: { ...(node.status as JsonObject), conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: name }] } });
};
const internalIpOf = (name: string) => ((api.object('v1', 'Node', undefined, name)?.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address;
const readyOf = (name: string) => ((api.object('v1', 'Node', undefined, name)?.status as { conditions?: { status: string }[] } | undefined)?.conditions ?? [])[0]?.status;
const nodeSpec = (name: string) => api.object('v1', 'Node', undefined, name)!.spec as JsonObject;
// The taints kdrill put on a node (the node controller's own unreachable ones aside).
const kdrillTaints = (name: string) => ((nodeSpec(name).taints as { key: string }[] | undefined) ?? []).filter((t) => t.key !== 'node.kubernetes.io/unreachable');

// The labels a kind node's kubelet registers with: its own and kind's `labels` (kubeadm's
// node-labels flag); the rest of a deleted Node is not brought back by the kubelet.
const KUBELET_LABELS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'];

// kind's node containers as the kubelet and node controller react to them: a killed node
// reads Unknown (at once, or when the test says, with `notReady: 'manual'`), a started one
// Ready, registering again as its kubelet would if its Node object was deleted. With
// `reconnectAt`, Docker gives a reconnected node that address, so connect restarts it and
// its kubelet registers at it a little later.
const fakeKind = (options: { notReady?: 'at-once' | 'manual'; reconnectAt?: string } = {}): KindNodeOps => {
  const deleted = new Map<string, JsonObject>();
  api.store.subscribe((e) => {
    if (e.resource.kind === 'Node' && e.type === 'DELETED') deleted.set(String((e.object.metadata as JsonObject).name), e.object);
  });
  return {
    crash: async (n) => {
      calls.push(`crash ${n}`);
      if (options.notReady !== 'manual') setImmediate(() => setReady(n, 'Unknown'));
    },
    start: async (n) => {
      calls.push(`start ${n}`);
      setImmediate(() => {
        const gone = deleted.get(n);
        if (gone && !api.object('v1', 'Node', undefined, n)) {
          const labels = (gone.metadata as { labels: Record<string, string> }).labels;
          const own = Object.fromEntries(Object.entries(labels).filter(([k]) => KUBELET_LABELS.includes(k)));
          api.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: own }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
        } else setReady(n, 'True');
      });
    },
    pause: async (n) => void calls.push(`pause ${n}`),
    unpause: async (n) => void calls.push(`unpause ${n}`),
    disconnect: async (n) => {
      calls.push(`disconnect ${n}`);
      return undefined;
    },
    connect: async (n, address) => {
      calls.push(`connect ${n} ${address ?? '-'}`);
      const moved = options.reconnectAt;
      if (!moved || address === moved) return { address };
      setTimeout(() => registerAt(n, moved), 150);
      return { address: moved, restarted: `Docker gave it ${moved} on the kind network, not ${address}` };
    },
    state: async () => ({ running: true, paused: false, networks: ['kind'] }),
    exec: async (n, script) => {
      calls.push(`exec ${n} ${script === STOP_ETCD ? 'stop etcd' : script === START_ETCD ? 'start etcd' : script}`);
      return '';
    },
  };
};

const runCtx = (journal: Journal = new MemoryJournal(), signal = new AbortController().signal) => testInjectContext({ runId: 'run-1', faultId: 'f1', journal, signal });
const quick = { notReadyMs: 3_000, readyMs: 3_000, drainMs: 1_500 };
const logged: string[] = [];

// A journal that lets a test look at the world at the moment an entry is appended.
const watchedJournal = (onAppend: (entry: JournalEntry) => void): MemoryJournal => {
  const journal = new MemoryJournal();
  const append = journal.append.bind(journal);
  journal.append = async (entry) => {
    onAppend(entry);
    await append(entry);
  };
  return journal;
};

// The fault's entries in order, milestones by name: "fault-armed", "effective", "node-not-ready"…
const timeline = (journal: MemoryJournal): string[] =>
  journal.entries.flatMap((e) => (e.kind === 'fault-armed' ? ['fault-armed'] : e.kind === 'fault-effective' ? ['effective'] : e.kind === 'fault-milestone' ? [e.milestone] : []));
const entryOf = (journal: MemoryJournal, name: string) => journal.entries.find((e) => (name === 'effective' ? e.kind === 'fault-effective' : e.kind === 'fault-milestone' && e.milestone === name)) as { detail?: Record<string, unknown> } | undefined;

// Waits until the background has journalled `milestone`.
async function milestoneOf(journal: MemoryJournal, milestone: string, timeoutMs = 5_000): Promise<Record<string, unknown>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const entry = entryOf(journal, milestone);
    if (entry) return entry.detail ?? {};
    if (performance.now() > deadline) throw new Error(`no ${milestone} milestone within ${timeoutMs}ms; the journal has ${timeline(journal).join(', ')}`);
    await sleep(10);
  }
}

async function connectWith(overrides: Record<string, unknown> = {}, options: { notReady?: 'at-once' | 'manual'; reconnectAt?: string; nodes?: Partial<typeof quick> } = {}): Promise<void> {
  await seedKindCluster(api);
  const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
  connected = await connectKubernetes(targetOf(overrides), client, { log: (l: string) => logged.push(l) } as Pick<RunContext, 'log'>, { kind: fakeKind(options), nodes: { ...quick, ...options.nodes } });
}

beforeEach(async () => {
  calls.length = 0;
  logged.length = 0;
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-k8s-nodes-'));
  process.env.KUBECONFIG = path.join(dir, 'kubeconfig');
  api = await KubeTestServer.start({ validate: await schemaValidator([['v1', 'Node']]) });
  writeFileSync(path.join(dir, 'kubeconfig'), api.kubeConfig().exportConfig());
});

afterEach(async () => {
  await connected?.[Symbol.asyncDispose]();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const OUT_OF_SERVICE = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };

describe('node faults on kind', () => {
  it('zone-outage returns once its nodes are stopped (t0 at the first), then completes in the background: not Ready, then the out-of-service taint; the revert undoes both', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint' }, { notReady: 'manual' });
    const injector = connected.injector('zone-outage');
    const plan = injector.plan({ zone: 'primary' }, await connected.topology());
    expect(plan.targets).toEqual([WORKERS[0]!.name, WORKERS[1]!.name]);
    expect(plan.description).toContain('out-of-service taint releases its pods');
    let callsAtEffective: string[] = [];
    const journal = watchedJournal((e) => {
      if (e.kind === 'fault-effective') callsAtEffective = [...calls];
    });
    const handle = await injector.inject(plan, runCtx(journal));
    // Returned with the nodes stopped but not yet read not Ready: nothing released yet.
    expect(calls).toEqual([`crash ${WORKERS[0]!.name}`, `crash ${WORKERS[1]!.name}`]);
    expect(callsAtEffective).toEqual([`crash ${WORKERS[0]!.name}`]);
    expect(entryOf(journal, 'effective')?.detail).toEqual({ action: 'stopped', nodes: [WORKERS[0]!.name], via: 'docker kill --signal KILL' });
    expect(entryOf(journal, 'nodes-stopped')?.detail).toEqual({ nodes: [WORKERS[0]!.name, WORKERS[1]!.name], via: 'docker kill --signal KILL' });
    expect(readyOf(WORKERS[0]!.name)).toBe('True');
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'nodes-stopped']);
    expect(kdrillTaints(WORKERS[0]!.name)).toEqual([]);
    // The node controller marks them: the background goes on, each step a milestone.
    for (const w of WORKERS.slice(0, 2)) setReady(w.name, 'Unknown');
    expect(await milestoneOf(journal, 'out-of-service-taint')).toMatchObject({ nodes: [WORKERS[0]!.name, WORKERS[1]!.name], pods: ['postgres-0'] });
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'nodes-stopped', 'node-not-ready', 'out-of-service-taint']);
    for (const w of WORKERS.slice(0, 2)) expect(kdrillTaints(w.name)).toEqual([OUT_OF_SERVICE]);
    expect(logged.join('\n')).toMatch(/tainted kdrill-worker, kdrill-worker2 after .* pods released: postgres-0/);
    await handle.revert();
    expect(calls.slice(2)).toEqual([`start ${WORKERS[0]!.name}`, `start ${WORKERS[1]!.name}`]);
    for (const w of WORKERS.slice(0, 2)) expect(kdrillTaints(w.name)).toEqual([]);
  });

  it('a revert during the background wait stops it (nothing is tainted later) and heals', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint' }, { notReady: 'manual' });
    const injector = connected.injector('node-crash');
    const journal = new MemoryJournal();
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx(journal));
    await handle.revert();
    expect(calls).toEqual([`crash ${WORKERS[0]!.name}`, `start ${WORKERS[0]!.name}`]);
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'release-stopped']);
    expect(entryOf(journal, 'release-stopped')?.detail).toEqual({ reason: 'reverted' });
    expect(handle.reverted).toBe(true);
    // Had the wait gone on, a node reading not Ready now would be tainted.
    setReady(WORKERS[0]!.name, 'Unknown');
    await sleep(300);
    expect(kdrillTaints(WORKERS[0]!.name)).toEqual([]);
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'release-stopped']);
    await handle.revert();
    expect(calls).toHaveLength(2);
  });

  it('the run stopping (ctx.signal) stops the background too; the revert still heals', async () => {
    await connectWith({ nodeFailureCompletion: 'delete-node' }, { notReady: 'manual' });
    const injector = connected.injector('node-crash');
    const journal = new MemoryJournal();
    const run = new AbortController();
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx(journal, run.signal));
    run.abort(new Error('interrupted by SIGINT'));
    expect(await milestoneOf(journal, 'release-stopped')).toEqual({ reason: 'run stopped' });
    setReady(WORKERS[0]!.name, 'Unknown');
    await sleep(300);
    expect(api.object('v1', 'Node', undefined, WORKERS[0]!.name)).toBeDefined();
    await handle.revert();
    expect(calls).toEqual([`crash ${WORKERS[0]!.name}`, `start ${WORKERS[0]!.name}`]);
    expect(readyOf(WORKERS[0]!.name)).toBe('True');
  });

  it('a background failure is journalled as release-failed and logged, never an unhandled rejection; the revert still heals', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint' }, { notReady: 'manual', nodes: { notReadyMs: 200 } });
    const injector = connected.injector('node-crash');
    const journal = new MemoryJournal();
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx(journal));
    expect((await milestoneOf(journal, 'release-failed')).error).toMatch(/nodes kdrill-worker to be marked not Ready/);
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'release-failed']);
    expect(logged.join('\n')).toMatch(/node-crash of kdrill-worker: releasing the pods failed: .*marked not Ready/);
    await handle.revert();
    expect(calls).toEqual([`crash ${WORKERS[0]!.name}`, `start ${WORKERS[0]!.name}`]);
  });

  it('node-crash with delete-node deletes the Node in the background; the revert waits for it to register again and puts back what the kubelet does not set', async () => {
    await connectWith({ nodeFailureCompletion: 'delete-node' });
    const name = WORKERS[2]!.name;
    const before = api.object('v1', 'Node', undefined, name)!;
    api.put({ ...before, metadata: { ...(before.metadata as JsonObject), labels: { ...(before.metadata as { labels: object }).labels, 'example.com/pool': 'db' } }, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    const injector = connected.injector('node-crash');
    const journal = new MemoryJournal();
    const handle = await injector.inject(injector.plan({ node: 'replica' }, await connected.topology()), runCtx(journal));
    // The record, journalled before the harm, holds what the deletion will lose.
    const armed = journal.entries.find((e) => e.kind === 'fault-armed') as unknown as { revert: { data: { registrations: Record<string, unknown> } } };
    expect(armed.revert.data.registrations[name]).toEqual({ labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': 'zone-b', 'example.com/pool': 'db' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    expect(await milestoneOf(journal, 'node-deleted')).toMatchObject({ nodes: [name], pods: ['postgres-1'] });
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'node-not-ready', 'node-deleted']);
    expect(api.object('v1', 'Node', undefined, name)).toBeUndefined();
    await handle.revert();
    const back = api.object('v1', 'Node', undefined, name)!;
    expect(back.metadata).toMatchObject({ labels: { 'topology.kubernetes.io/zone': 'zone-b', 'example.com/pool': 'db' } });
    expect((back.spec as JsonObject).taints).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    expect(logged.join('\n')).toContain(`${name} registered again without label example.com/pool, taint dedicated:NoSchedule: put back`);
  });

  it('with nodeFailureCompletion none, nothing is done to the Node and nothing runs in the background', async () => {
    await connectWith();
    const injector = connected.injector('node-crash');
    const plan = injector.plan({ node: 'primary' }, await connected.topology());
    expect(plan.description).toContain('until Kubernetes evicts them (nodeFailureCompletion: none)');
    const journal = new MemoryJournal();
    const handle = await injector.inject(plan, runCtx(journal));
    await sleep(100);
    expect(timeline(journal)).toEqual(['fault-armed', 'effective']);
    expect(api.requests.filter((r) => r.method !== 'GET' && r.path.includes('/nodes'))).toEqual([]);
    await handle.revert();
  });

  it('pods evicted within podEvictionTimeout need no completion, and the milestone says so', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint', podEvictionTimeout: '5s' });
    const injector = connected.injector('node-crash');
    const plan = injector.plan({ node: 'primary' }, await connected.topology());
    const journal = new MemoryJournal();
    setTimeout(() => api.store.remove(api.resourceTypeOf(memberPod('postgres-0', '', undefined)), NS, 'postgres-0'), 50);
    const handle = await injector.inject(plan, runCtx(journal));
    expect(await milestoneOf(journal, 'pods-evicted')).toMatchObject({ nodes: [WORKERS[0]!.name], by: 'kubernetes' });
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'node-not-ready', 'pods-evicted']);
    expect(kdrillTaints(WORKERS[0]!.name)).toEqual([]);
    await handle.revert();
  });

  it('freeze journals t0 once paused; isolation once disconnected, and reconnects with the address it had', async () => {
    await connectWith();
    const topology = await connected.topology();
    const frozen = new MemoryJournal();
    await (await connected.injector('node-freeze').inject(connected.injector('node-freeze').plan({ node: 'primary' }, topology), runCtx(frozen))).revert();
    const isolated = new MemoryJournal();
    await (await connected.injector('node-isolation').inject(connected.injector('node-isolation').plan({ node: 'primary' }, topology), runCtx(isolated))).revert();
    expect(calls).toEqual([`pause ${WORKERS[0]!.name}`, `unpause ${WORKERS[0]!.name}`, `disconnect ${WORKERS[0]!.name}`, `connect ${WORKERS[0]!.name} ${WORKERS[0]!.address}`]);
    expect(timeline(frozen)).toEqual(['fault-armed', 'effective']);
    expect(entryOf(frozen, 'effective')?.detail).toEqual({ action: 'paused', nodes: [WORKERS[0]!.name], via: 'docker pause' });
    expect(entryOf(isolated, 'effective')?.detail).toEqual({ action: 'disconnected', nodes: [WORKERS[0]!.name], via: 'docker network disconnect kind' });
  });

  it('isolation whose node came back at another address: the revert journals the restart and waits until the Node is Ready at it', async () => {
    await connectWith({}, { reconnectAt: '172.18.0.20' });
    const name = WORKERS[0]!.name;
    const journal = new MemoryJournal();
    const injector = connected.injector('node-isolation');
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx(journal));
    // A short isolation: the Node still reads Ready, so Ready alone proves nothing.
    expect(readyOf(name)).toBe('True');
    await handle.revert();
    expect(internalIpOf(name)).toBe('172.18.0.20');
    expect(calls).toEqual([`disconnect ${name}`, `connect ${name} ${WORKERS[0]!.address}`]);
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'node-restarted']);
    expect(entryOf(journal, 'node-restarted')?.detail).toEqual({ node: name, from: WORKERS[0]!.address, to: '172.18.0.20', why: `Docker gave it 172.18.0.20 on the kind network, not ${WORKERS[0]!.address}` });
    expect(logged.join('\n')).toContain(`${name}: Docker gave it 172.18.0.20 on the kind network, not ${WORKERS[0]!.address}; restarted its container, so kind's entrypoint gives the kubelet that address`);
    // Reverted again from the record (kdrill cleanup): the kubelet's address now is the one asked for.
    const record = (journal.entries.find((e) => e.kind === 'fault-armed') as unknown as { revert: Parameters<ConnectedBackend['revertFromRecord']>[0] }).revert;
    await connected.revertFromRecord(record);
    expect(calls.at(-1)).toBe(`connect ${name} 172.18.0.20`);
  });

  it('drain journals t0 at the cordon, before any eviction; the evictions complete in the background; the revert uncordons', async () => {
    await connectWith();
    api.put({ ...api.object('policy/v1', 'PodDisruptionBudget', NS, 'postgres')!, status: { disruptionsAllowed: 1 } });
    let atEffective: { cordoned: unknown; pod: boolean } | undefined;
    const journal = watchedJournal((e) => {
      if (e.kind === 'fault-effective') atEffective = { cordoned: nodeSpec(WORKERS[0]!.name).unschedulable, pod: api.object('v1', 'Pod', NS, 'postgres-0') !== undefined };
    });
    const injector = connected.injector('node-drain');
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx(journal));
    expect(atEffective).toEqual({ cordoned: true, pod: true });
    expect(entryOf(journal, 'effective')?.detail).toMatchObject({ action: 'cordoned', nodes: [WORKERS[0]!.name] });
    expect(await milestoneOf(journal, 'pods-evicted')).toMatchObject({ nodes: [WORKERS[0]!.name], by: 'drain', pods: [`${NS}/postgres-0`] });
    expect(timeline(journal)).toEqual(['fault-armed', 'effective', 'pods-evicted']);
    expect(api.object('v1', 'Pod', NS, 'postgres-0')).toBeUndefined();
    expect(api.requests.some((r) => r.method === 'POST' && r.path.endsWith('/pods/postgres-0/eviction'))).toBe(true);
    await handle.revert();
    expect(nodeSpec(WORKERS[0]!.name).unschedulable).toBeUndefined();
  });

  it('a drain the budget keeps blocking becomes a release-failed milestone naming the budget; the revert uncordons', async () => {
    await connectWith();
    const injector = connected.injector('node-drain');
    const journal = new MemoryJournal();
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx(journal));
    expect((await milestoneOf(journal, 'release-failed')).error).toMatch(/did not finish in 1.5s: a PodDisruptionBudget still blocks kdrill-pg\/postgres-0/);
    expect(api.object('v1', 'Pod', NS, 'postgres-0')).toBeDefined();
    await handle.revert();
    expect(nodeSpec(WORKERS[0]!.name).unschedulable).toBeUndefined();
  });

  it('reverts a zone outage from its record alone, after the background released it', async () => {
    await connectWith({ nodeFailureCompletion: 'out-of-service-taint' });
    const journal = new MemoryJournal();
    const injector = connected.injector('zone-outage');
    await injector.inject(injector.plan({ zone: 'zone-c' }, await connected.topology()), runCtx(journal));
    await milestoneOf(journal, 'out-of-service-taint');
    const record = (journal.entries.find((e) => e.kind === 'fault-armed') as unknown as { revert: Parameters<ConnectedBackend['revertFromRecord']>[0] }).revert;
    await connected.revertFromRecord(record);
    expect(calls.filter((c) => c.startsWith('start'))).toEqual([`start ${WORKERS[4]!.name}`, `start ${WORKERS[5]!.name}`]);
    for (const w of WORKERS.slice(4)) expect(kdrillTaints(w.name)).toEqual([]);
  });
});

describe('node faults with target.nodeCommands', () => {
  it('journal t0 once the stop command returned', async () => {
    const ran = path.join(dir, 'ran.log');
    const command = (verb: string) => [process.execPath, '-e', `require('node:fs').appendFileSync(process.argv[1], '${verb} ' + process.argv[2] + '\\n')`, ran, '{node}'];
    await connectWith({ provider: 'generic', nodeCommands: { stop: command('stop'), start: command('start') } });
    let ranAtEffective = '';
    const journal = watchedJournal((e) => {
      if (e.kind === 'fault-effective') ranAtEffective = readFileSync(ran, 'utf8');
    });
    const injector = connected.injector('node-crash');
    const handle = await injector.inject(injector.plan({ node: 'primary' }, await connected.topology()), runCtx(journal));
    expect(ranAtEffective).toBe(`stop ${WORKERS[0]!.name}\n`);
    expect(entryOf(journal, 'effective')?.detail).toEqual({ action: 'stopped', nodes: [WORKERS[0]!.name], via: 'target.nodeCommands.stop' });
    await handle.revert();
    expect(readFileSync(ran, 'utf8')).toBe(`stop ${WORKERS[0]!.name}\nstart ${WORKERS[0]!.name}\n`);
  });
});

describe('etcd faults on kind', () => {
  it('etcd-member-kill parks the static pod’s manifest on the control-plane node, and the revert waits for the API', async () => {
    await connectWith();
    const injector = connected.injector('etcd-member-kill');
    const plan = injector.plan({ node: 'primary' }, await connected.topology());
    expect(plan.targets).toEqual([CONTROL_PLANE.name]);
    let callsAtEffective: string[] = [];
    const journal = watchedJournal((e) => {
      if (e.kind === 'fault-effective') callsAtEffective = [...calls];
    });
    const handle = await injector.inject(plan, runCtx(journal));
    expect(callsAtEffective).toEqual([`exec ${CONTROL_PLANE.name} stop etcd`]);
    expect(entryOf(journal, 'effective')?.detail).toEqual({ action: 'etcd-stopped', nodes: [CONTROL_PLANE.name], via: 'static pod manifest moved out of /etc/kubernetes/manifests/etcd.yaml' });
    await handle.revert();
    expect(calls).toEqual([`exec ${CONTROL_PLANE.name} stop etcd`, `exec ${CONTROL_PLANE.name} start etcd`]);
  });

  it('etcd-quorum-loss journals t0 once the majority is stopped, not after the first member', async () => {
    await connectWith();
    // The HA cluster: three control-plane nodes, each with its etcd member.
    for (const n of ['kdrill-control-plane2', 'kdrill-control-plane3']) {
      const node = api.object('v1', 'Node', undefined, CONTROL_PLANE.name)!;
      api.put({ ...node, metadata: { name: n, labels: { 'kubernetes.io/hostname': n, 'node-role.kubernetes.io/control-plane': '' } } });
      const pod = api.object('v1', 'Pod', 'kube-system', `etcd-${CONTROL_PLANE.name}`)!;
      api.put({ ...pod, metadata: { name: `etcd-${n}`, namespace: 'kube-system', labels: { component: 'etcd' } }, spec: { ...(pod.spec as JsonObject), nodeName: n } });
    }
    const injector = connected.injector('etcd-quorum-loss');
    const plan = injector.plan({}, await connected.topology());
    expect(plan.targets).toHaveLength(2);
    let callsAtEffective: string[] = [];
    const journal = watchedJournal((e) => {
      if (e.kind === 'fault-effective') callsAtEffective = [...calls];
    });
    const handle = await injector.inject(plan, runCtx(journal));
    expect(callsAtEffective).toEqual(plan.targets.map((n) => `exec ${n} stop etcd`));
    expect(entryOf(journal, 'effective')?.detail).toMatchObject({ action: 'etcd-stopped', nodes: plan.targets });
    await handle.revert();
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
