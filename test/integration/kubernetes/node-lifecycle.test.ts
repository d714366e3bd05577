import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectKubernetes } from '../../../harness/backends/kubernetes/connected.js';
import type { KubeClient } from '../../../harness/backends/kubernetes/client/kube-client.js';
import type { KindNodeOps } from '../../../harness/backends/kubernetes/nodes/kind-nodes.js';
import type { ConnectedBackend, RunContext } from '../../../harness/backends/types.js';
import type { Topology } from '../../../harness/model/topology.js';
import { stampedJournal } from '../../../harness/journal/journal.js';
import { MemoryJournal } from '../../../harness/testing/memory-journal.js';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';
import { testInjectContext } from '../../../harness/testing/inject-context.js';
import { kubernetesTargetSchema } from '../../../harness/scenario/schema/target.js';
import { controllerManagerUnavailable, RealKube } from '../../helpers/real-kube/cluster.js';
import { NAMESPACE, seedPostgresCluster, WORKERS, type SeededCluster } from '../../helpers/real-kube/postgres-cluster.js';
import { unlessSkipped } from '../../helpers/shared-files.js';

// The node-fault timeline against the real node-lifecycle controller: a kind node stopped by
// kdrill is a kubelet that stops heartbeating; the controller (not the test) turns its Ready
// condition Unknown after the grace period, taints it unreachable and marks its pods not
// Ready. kdrill's t0 is the stop; its topology must stop counting the old primary as one.
const GRACE_SECONDS = 5;

let kube: RealKube;
let client: KubeClient;
let seeded: SeededCluster;
const calls: string[] = [];

// kind's node containers, played by the kubelet stand-in: a crashed node's kubelet is silent.
const standInKind = (): KindNodeOps => ({
  crash: async (n) => {
    calls.push(`crash ${n}`);
    seeded.kubelet.silence(n);
  },
  start: async (n) => {
    calls.push(`start ${n}`);
    await seeded.kubelet.resume(n);
  },
  pause: async (n) => {
    calls.push(`pause ${n}`);
    seeded.kubelet.silence(n);
  },
  unpause: async (n) => {
    calls.push(`unpause ${n}`);
    await seeded.kubelet.resume(n);
  },
  disconnect: async (n) => {
    seeded.kubelet.silence(n);
    return undefined;
  },
  connect: async (n) => {
    await seeded.kubelet.resume(n);
    return { address: undefined };
  },
  state: async () => ({ running: true, paused: false, networks: ['kind'] }),
  exec: async (n) => {
    throw new Error(`node ${n} has no container to exec in: this cluster's kubelets are a stand-in`);
  },
});

const target = kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'real-kube', namespace: NAMESPACE, allowedContexts: ['real-kube'], allowedNamespaces: [NAMESPACE], provider: 'kind', nodeFailureCompletion: 'out-of-service-taint', podEvictionTimeout: '1s' });

const primaries = (topology: Topology): string[] =>
  topology.zones.flatMap((z) => z.nodes.flatMap((n) => n.members.filter((m) => m.kind === 'postgresql' && m.role === 'primary').map((m) => m.name)));

describe.skipIf(controllerManagerUnavailable !== undefined)(unlessSkipped('node faults against the real node-lifecycle controller', controllerManagerUnavailable), () => {
  beforeAll(async () => {
    kube = await RealKube.start({ controllerManager: { nodeMonitorGracePeriodSeconds: GRACE_SECONDS } });
    client = kube.client();
    seeded = await seedPostgresCluster(kube, client);
  }, 120_000);

  afterAll(async () => {
    await seeded?.kubelet.stop();
    await kube?.stop();
  });

  it('a node crash: t0 at the stop, then the real controller marks the node NotReady and tainted and its pods not Ready; the old primary leaves the topology', { timeout: 120_000 }, async () => {
    const logged: string[] = [];
    await using connected: ConnectedBackend = await connectKubernetes(target, client, { log: (l: string) => logged.push(l) } as Pick<RunContext, 'log'>, {
      kind: standInKind(),
      nodes: { notReadyMs: 60_000, readyMs: 60_000, drainMs: 30_000 },
    });
    const before = await connected.topology();
    expect(primaries(before)).toEqual(['postgres-0']);
    const primaryNode = WORKERS[0]!.name;

    const journal = new MemoryJournal();
    const injector = connected.injector('node-crash');
    const plan = injector.plan({ node: 'primary' }, before);
    expect(plan.targets).toEqual([primaryNode]);
    const injectedAt = Date.now();
    const handle = await injector.inject(plan, testInjectContext({ runId: 'run-real-1', faultId: 'f1', journal: stampedJournal(journal, monotonicClock()), signal: new AbortController().signal }));
    const returnedMs = Date.now() - injectedAt;
    const effective = journal.entries.find((e) => e.kind === 'fault-effective');
    expect(effective, 'fault-effective journalled').toBeDefined();
    // t0 is the stop, not the controller's verdict: inject() returned well before the grace period.
    expect(returnedMs).toBeLessThan(GRACE_SECONDS * 1000);
    expect(calls).toEqual([`crash ${primaryNode}`]);
    // The stopped node still reads Ready: the controller has not noticed yet.
    const node = await client.get({ apiVersion: 'v1', kind: 'Node', name: primaryNode });
    expect((node?.status as { conditions: { type: string; status: string }[] }).conditions.find((c) => c.type === 'Ready')?.status).toBe('True');

    // Patroni elects postgres-1 in another zone (its label, as Patroni would write it).
    await kube.request('PATCH', `/api/v1/namespaces/${NAMESPACE}/pods/postgres-1`, { metadata: { labels: { role: 'master' } } }, 'application/merge-patch+json');

    // The real controller's verdict, journalled by kdrill's background wait.
    const deadline = Date.now() + 60_000;
    while (!journal.entries.some((e) => e.kind === 'fault-milestone' && e.milestone === 'node-not-ready')) {
      if (Date.now() > deadline) throw new Error(`no node-not-ready milestone; controller-manager log:\n${kube.logTail('kube-controller-manager')}`);
      await sleep(200);
    }
    const notReadyAt = journal.entries.find((e) => e.kind === 'fault-milestone' && e.milestone === 'node-not-ready')!.at;
    // At the verdict the old primary's pod still reads Running, role=master, not terminating:
    // only its node (and soon its Ready condition) says it is gone. One primary, the new one.
    const stale = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, name: 'postgres-0' });
    expect(stale?.metadata.deletionTimestamp).toBeUndefined();
    expect(stale?.metadata.labels?.role).toBe('master');
    expect(primaries(await connected.topology())).toEqual(['postgres-1']);
    const t0 = effective!.at;
    // The grace period passed between t0 and the controller's verdict.
    expect(notReadyAt - t0).toBeGreaterThanOrEqual((GRACE_SECONDS - 1) * 1000);

    // Then kdrill's own completion: the pods were not evicted within podEvictionTimeout, so the
    // node gets the out-of-service taint, and keeps it although 1.20's node controller patches
    // its taint list from a stale cache (kubernetes#113136).
    while (!journal.entries.some((e) => e.kind === 'fault-milestone' && e.milestone === 'out-of-service-taint')) {
      if (Date.now() > deadline) throw new Error('no out-of-service-taint milestone');
      await sleep(200);
    }
    const tainted = await client.get({ apiVersion: 'v1', kind: 'Node', name: primaryNode });
    const taints = ((tainted?.spec as { taints?: { key: string; effect: string }[] }).taints ?? []).map((t) => `${t.key}:${t.effect}`);
    // The NoExecute taint comes from the controller's rate-limited queue: give it a moment.
    for (let i = 0; i < 50 && !taints.includes('node.kubernetes.io/unreachable:NoExecute'); i++) {
      await sleep(200);
      const again = await client.get({ apiVersion: 'v1', kind: 'Node', name: primaryNode });
      taints.splice(0, taints.length, ...((again?.spec as { taints?: { key: string; effect: string }[] }).taints ?? []).map((t) => `${t.key}:${t.effect}`));
    }
    expect(taints).toContain('node.kubernetes.io/unreachable:NoExecute');
    expect(taints).toContain('node.kubernetes.io/out-of-service:NoExecute');
    // The out-of-service taint is NoExecute and the pod does not tolerate it: the real taint
    // manager evicts it (a graceful delete no kubelet will finish; 1.26+ then force-deletes it).
    let pod = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, name: 'postgres-0' });
    for (let i = 0; i < 100 && pod?.metadata.deletionTimestamp === undefined; i++) {
      await sleep(200);
      pod = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, name: 'postgres-0' });
    }
    expect(pod?.metadata.deletionTimestamp, 'the taint manager evicted the dead node\'s pod').toBeDefined();
    // Its label still says master: only its node's state and its deletion say it is gone.
    expect(pod?.metadata.labels?.role).toBe('master');
    expect((pod?.status as { conditions: { type: string; status: string }[] }).conditions.find((c) => c.type === 'Ready')?.status).toBe('False');

    // One primary, the new one: the old one left the topology with its node.
    expect(primaries(await connected.topology())).toEqual(['postgres-1']);

    await handle.revert();
    expect(calls).toEqual([`crash ${primaryNode}`, `start ${primaryNode}`]);
    const healed = await client.get({ apiVersion: 'v1', kind: 'Node', name: primaryNode });
    expect((healed?.status as { conditions: { type: string; status: string }[] }).conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(((healed?.spec as { taints?: { key: string }[] }).taints ?? []).map((t) => t.key)).not.toContain('node.kubernetes.io/out-of-service');
  });
});
