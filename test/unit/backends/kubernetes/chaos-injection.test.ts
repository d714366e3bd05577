import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../harness/backends/kubernetes/client/kube-client.js';
import { connectKubernetes } from '../../../../harness/backends/kubernetes/connected.js';
import type { ConnectedBackend } from '../../../../harness/backends/types.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { testInjectContext } from '../../../../harness/testing/inject-context.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { NS, seedKindCluster, simulateChaosMesh } from '../../../helpers/kube-api/kind-like.js';
import type { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { validatingApi } from '../../../helpers/kube-api/validating.js';
import { chaosMeshUnavailable, unlessSkipped } from '../../../helpers/shared-files.js';

// Chaos Mesh v2.8.3 reports an injection through conditions derived from
// status.experiment.containerRecords; these tests hold kdrill to the records, not only to
// AllInjected, and to its Events when it selected nothing.
const INJECT_MS = 4_000;
let api: KubeTestServer;
let dispose: (() => PromiseLike<void>) | undefined;
let connected: ConnectedBackend;

const target = () => kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });
const contextOf = (journal: MemoryJournal) => testInjectContext({ runId: 'run-1', faultId: 'f1', journal, signal: new AbortController().signal });

async function connect(): Promise<void> {
  const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
  connected = await connectKubernetes(target(), client, { log: () => {} }, { chaos: { injectMs: INJECT_MS, recoverMs: 2_000 } });
}

beforeEach(async () => {
  const started = await validatingApi('kdrill-chaos-', []);
  api = started.api;
  dispose = () => started[Symbol.asyncDispose]();
  await seedKindCluster(api);
});

afterEach(async () => {
  await connected?.[Symbol.asyncDispose]();
  await dispose?.();
});

describe.skipIf(chaosMeshUnavailable)(unlessSkipped('kubernetes backend: what counts as injected', chaosMeshUnavailable), () => {
  it('a selector that matches no pod fails fast, says so, and the chaos object is removed again', async () => {
    const chaosMesh = simulateChaosMesh(api);
    await connect();
    const injector = connected.injector('network-loss');
    const plan = injector.plan({ pod: 'postgres-1', loss: 50 }, await connected.topology());
    // The pod is gone between plan and injection (a StatefulSet pod being recreated).
    api.store.remove(api.resourceTypeOf(api.object('v1', 'Pod', NS, 'postgres-1')!), NS, 'postgres-1');
    const journal = new MemoryJournal();
    const started = performance.now();
    await expect(injector.inject(plan, contextOf(journal))).rejects.toThrow(
      /^the selector matched no pod: Chaos Mesh selected nothing for NetworkChaos kdrill-pg\/kdrill-network-loss-f1-\w+ \(pods kdrill-pg\/postgres-1\): "Failed to select targets: no pod is selected"/,
    );
    expect(performance.now() - started).toBeLessThan(INJECT_MS / 2);
    expect(chaosMesh.events.map((e) => e.message)).toEqual(['Failed to select targets: no pod is selected']);
    expect(api.objects('chaos-mesh.org/v1alpha1', 'NetworkChaos', NS)).toEqual([]);
    // The object existed, so t0 stands; nothing says it was injected.
    expect(journal.entries.map((e) => e.kind)).toEqual(['fault-armed', 'fault-effective']);
  });

  it('AllInjected=True over no records is not an injection', async () => {
    // A controller that reports success without listing a target (what a vacuous "every
    // record injected" would look like).
    api.store.subscribe((event) => {
      if (event.resource.group !== 'chaos-mesh.org' || event.type !== 'ADDED') return;
      const meta = event.object.metadata as Record<string, unknown>;
      setImmediate(() => {
        const live = api.object(String(event.object.apiVersion), String(event.object.kind), NS, String(meta.name));
        if (live) api.put({ ...live, status: { experiment: { desiredPhase: 'Run', containerRecords: [] }, conditions: [{ type: 'Selected', status: 'True' }, { type: 'AllInjected', status: 'True' }] } });
      });
    });
    await connect();
    const injector = connected.injector('pod-kill');
    const plan = injector.plan({ pod: 'primary' }, await connected.topology());
    await expect(injector.inject(plan, contextOf(new MemoryJournal()))).rejects.toThrow(/^the selector matched no pod: Chaos Mesh selected nothing for PodChaos kdrill-pg\/kdrill-pod-kill-f1-\w+ \(pods kdrill-pg\/postgres-0\)/);
    expect(api.objects('chaos-mesh.org/v1alpha1', 'PodChaos', NS)).toEqual([]);
  });

  it('waits for every record to be injected, not for the conditions alone', async () => {
    // Conditions that run ahead of the records: AllInjected=True while a record is still
    // applying. kdrill must keep waiting, and say which target is not injected.
    api.store.subscribe((event) => {
      if (event.resource.group !== 'chaos-mesh.org' || event.type !== 'ADDED') return;
      const meta = event.object.metadata as Record<string, unknown>;
      setImmediate(() => {
        const live = api.object(String(event.object.apiVersion), String(event.object.kind), NS, String(meta.name));
        const records = [{ id: `${NS}/postgres-0`, selectorKey: '.', phase: 'Not Injected/wait', injectedCount: 0, recoveredCount: 0 }];
        if (live) api.put({ ...live, status: { experiment: { desiredPhase: 'Run', containerRecords: records }, conditions: [{ type: 'Selected', status: 'True' }, { type: 'AllInjected', status: 'True' }] } });
      });
    });
    const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
    connected = await connectKubernetes(target(), client, { log: () => {} }, { chaos: { injectMs: 400, recoverMs: 2_000 } });
    const injector = connected.injector('pod-failure');
    const plan = injector.plan({ pod: 'primary' }, await connected.topology());
    await expect(injector.inject(plan, contextOf(new MemoryJournal()))).rejects.toThrow(
      /Chaos Mesh did not inject PodChaos kdrill-pg\/kdrill-pod-failure-f1-\w+ \(Selected=True, AllInjected=True; not injected: kdrill-pg\/postgres-0 \(Not Injected\/wait\)\)/,
    );
  });

  it('an injected fault journals the targets Chaos Mesh selected, by their record ids', async () => {
    simulateChaosMesh(api);
    await connect();
    const injector = connected.injector('zone-partition');
    const plan = injector.plan({ zone: 'primary' }, await connected.topology());
    const journal = new MemoryJournal();
    const handle = await injector.inject(plan, contextOf(journal));
    expect(journal.entries.map((e) => e.kind)).toEqual(['fault-armed', 'fault-effective', 'fault-milestone']);
    expect(journal.entries[2]).toMatchObject({
      fault: 'f1',
      milestone: 'chaos-injected',
      detail: { object: expect.stringMatching(/^NetworkChaos kdrill-pg\/kdrill-zone-partition-f1-/), selected: [`${NS}/postgres-0`], targets: [`${NS}/postgres-1`, `${NS}/postgres-2`] },
    });
    await handle.revert();
  });

  it('says the controller has not selected yet when Selected stays False without an event', async () => {
    // No Chaos Mesh controller at all: the object is never reconciled.
    const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
    connected = await connectKubernetes(target(), client, { log: () => {} }, { chaos: { injectMs: 300, recoverMs: 300 } });
    const injector = connected.injector('pod-kill');
    const plan = injector.plan({ pod: 'primary' }, await connected.topology());
    await expect(injector.inject(plan, contextOf(new MemoryJournal()))).rejects.toThrow(/Chaos Mesh did not inject PodChaos kdrill-pg\/kdrill-pod-kill-f1-\w+ \(no status yet\): is the chaos-controller-manager running/);
  });
});
