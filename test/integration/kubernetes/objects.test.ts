import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { droppedFields } from '../../../harness/backends/kubernetes/client/dropped-fields.js';
import type { KubeClient } from '../../../harness/backends/kubernetes/client/kube-client.js';
import type { KubeObject } from '../../../harness/backends/kubernetes/client/types.js';
import { injectChaos } from '../../../harness/backends/kubernetes/injectors/chaos-lifecycle.js';
import { KIND_RESTORE_NODE_PORTS } from '../../../harness/backends/kubernetes/kind/plan.js';
import { k6Job, k6ScriptConfigMap } from '../../../harness/backends/kubernetes/objects/jobs/k6-job.js';
import { ledgerDriverConfigMap, ledgerDriverJob } from '../../../harness/backends/kubernetes/objects/jobs/ledger-job.js';
import { runLabels } from '../../../harness/backends/kubernetes/objects/labels.js';
import { reapRunObjects } from '../../../harness/backends/kubernetes/reap-run.js';
import { freeNodePort } from '../../../harness/backends/kubernetes/restore/node-port.js';
import { bundleLedgerDriver } from '../../../harness/load/ledger-remote/bundle.js';
import { runCliInProcess } from '../../helpers/cli.js';
import { controllerManagerUnavailable, RealKube } from '../../helpers/real-kube/cluster.js';
import { NAMESPACE, seedPostgresCluster, type SeededCluster } from '../../helpers/real-kube/postgres-cluster.js';
import { CHAOS_MESH_SCHEMAS, chaosMeshUnavailable, unlessSkipped } from '../../helpers/shared-files.js';

// Every object a drill creates, created through a real API server: the Chaos Mesh objects
// of every fault against the v2.8.3 CRDs (structural validation, defaulting, pruning), the
// load Jobs and their ConfigMaps (the real bundle, the real size limit), a restore's pod and
// Service (the real NodePort allocator), then cleanup by run id through the real garbage
// collector. The objects come from `kdrill run --dry-run` reading the cluster, as a run makes
// them, or from the builders a run calls.
const unavailable = controllerManagerUnavailable ?? chaosMeshUnavailable;
const RUN = 'run-objects-1';

let kube: RealKube;
let client: KubeClient;
let seeded: SeededCluster;
let dir: string;

const SCENARIO = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata: { name: every-object }
tier: { name: tier1 }
target:
  backend: kubernetes
  context: real-kube
  namespace: ${NAMESPACE}
  allowedContexts: [real-kube]
  allowedNamespaces: [${NAMESPACE}]
  provider: kind
load: { driver: ledger, rate: 100, runIn: cluster }
abort: { maxDuration: 20m }
steps:
  - { name: kill, fault: pod-kill, pod: primary }
  - { name: fail, fault: pod-failure, pod: replica, duration: 30s }
  - { name: crash, fault: primary-crash }
  - { name: slow-zone, fault: network-delay, zone: zone-b, latency: 150ms, duration: 1m }
  - { name: lossy, fault: network-loss, loss: 10, duration: 1m }
  - { name: cut-zone, fault: zone-partition, zone: primary, duration: 1m }
  - { name: cut-pair, fault: zone-pair-partition, zones: [zone-a, zone-b], duration: 1m }
  - { name: cpu, fault: cpu-stress, pod: primary, duration: 1m }
  - { name: memory, fault: memory-stress, size: 256MB, duration: 1m }
  - { name: slow-disk, fault: io-latency, delay: 50ms, duration: 1m }
  - { name: bad-disk, fault: io-fault, duration: 1m }
  - { name: skew, fault: clock-skew, offset: 30s, duration: 1m }
  - { name: take-backup, action: backup }
  - { name: restore-it, action: restore }
`;

type Object = KubeObject & { spec?: Record<string, unknown>; data?: Record<string, string> };

// The run's objects as --dry-run prints them, read against this cluster.
async function dryRunObjects(): Promise<Object[]> {
  const file = path.join(dir, 'every-object.yaml');
  writeFileSync(file, SCENARIO);
  const r = await runCliInProcess(['--kubeconfig', kube.kubeconfigFile, 'run', file, '--dry-run']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`read (GET requests only, nothing written) through your kubeconfig ${kube.kubeconfigFile}`);
  const start = r.stdout.indexOf('apiVersion:');
  const yaml = r.stdout.slice(start, r.stdout.indexOf('\n--dry-run: nothing'));
  return parseAllDocuments(yaml)
    .map((d) => d.toJSON() as Object | null)
    .filter((o): o is Object => o !== null);
}

const asRun = (object: Object, faultId?: string): Object => ({ ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, ...runLabels(RUN, faultId) } } });

describe.skipIf(unavailable !== undefined)(unlessSkipped('every object kdrill creates, through a real API server', unavailable), () => {
  let objects: Object[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kdrill-objects-'));
    kube = await RealKube.start({ controllerManager: true });
    client = kube.client();
    seeded = await seedPostgresCluster(kube, client);
    for (const file of readdirSync(CHAOS_MESH_SCHEMAS!).filter((f) => f.endsWith('.yaml'))) {
      await client.apply(parseYaml(readFileSync(path.join(CHAOS_MESH_SCHEMAS!, file), 'utf8')) as KubeObject);
    }
    for (const kind of ['PodChaos', 'NetworkChaos', 'StressChaos', 'IOChaos', 'TimeChaos']) {
      for (let i = 0; !(await client.serves('chaos-mesh.org/v1alpha1', kind)); i++) {
        if (i > 100) throw new Error(`the ${kind} CRD was never served`);
        await sleep(100);
      }
    }
    objects = await dryRunObjects();
  }, 180_000);

  afterAll(async () => {
    await seeded?.kubelet.stop();
    await kube?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the Chaos Mesh object of every fault is accepted whole by the v2.8.3 CRDs: nothing pruned, nothing changed', async () => {
    const chaos = objects.filter((o) => o.apiVersion === 'chaos-mesh.org/v1alpha1');
    expect(chaos.map((o) => o.kind).sort()).toEqual(['IOChaos', 'IOChaos', 'NetworkChaos', 'NetworkChaos', 'NetworkChaos', 'NetworkChaos', 'PodChaos', 'PodChaos', 'PodChaos', 'StressChaos', 'StressChaos', 'TimeChaos']);
    // The partition read the API server's cluster IP from this cluster, as a run does.
    const partition = chaos.find((o) => (o.spec as { action?: string }).action === 'partition' && (o.spec as { externalTargets?: string[] }).externalTargets);
    expect((partition!.spec as { externalTargets: string[] }).externalTargets).toContain('198.19.240.1');
    for (const [i, object] of chaos.entries()) {
      const created = await client.create(asRun(object, `f${i}`));
      expect(created.metadata.uid, `${object.kind} ${object.metadata.name}`).toBeDefined();
      expect(droppedFields(object.spec, created.spec, 'spec'), `${object.kind} ${object.metadata.name}`).toEqual([]);
    }
  });

  it("kdrill's own check: a field the CRD does not know is pruned by the real server, and the fault fails naming it (the object deleted again)", async () => {
    const template = objects.find((o) => o.kind === 'NetworkChaos')!;
    const object = { ...asRun(template, 'pruned'), metadata: { ...template.metadata, name: 'kdrill-pruned-field', labels: runLabels(RUN, 'pruned') }, spec: { ...template.spec, direction: 'both', notAChaosMeshField: { x: 1 } } };
    let created = false;
    const failure = await injectChaos(client, object, { signal: new AbortController().signal, created: async () => void (created = true), timeouts: { injectMs: 5_000, recoverMs: 5_000 } }).catch((e: unknown) => e);
    expect(String(failure)).toMatch(/the API server dropped or changed spec\.notAChaosMeshField of NetworkChaos kdrill-pg\/kdrill-pruned-field/);
    expect(created, 't0 is not journalled for a fault that never ran').toBe(false);
    expect(await client.get({ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', namespace: NAMESPACE, name: 'kdrill-pruned-field' })).toBeUndefined();
  });

  it('the ledger Job and its ConfigMap (the real bundle), and the k6 Job and its script: created; the Job controller makes their pods', async () => {
    const db = { host: `postgres.${NAMESPACE}.svc`, port: 5432, user: 'postgres', database: 'kdrill' };
    const passwordSecret = { name: 'postgres-passwords', key: 'superuser-password' };
    const ledger = { name: 'kdrill-ledger-objects', namespace: NAMESPACE, labels: runLabels(RUN), bundle: await bundleLedgerDriver(), rate: 200, concurrency: 4, writeTimeoutMs: 2_000, maxDurationMs: 600_000, db, passwordSecret };
    const k6 = { name: 'kdrill-k6-objects', namespace: NAMESPACE, labels: runLabels(RUN), script: 'export default function () {}', vus: 4, maxDurationMs: 600_000, rate: 'max' as const, db, passwordSecret };
    for (const object of [ledgerDriverConfigMap(ledger), k6ScriptConfigMap(k6)]) await client.apply(object as KubeObject, { force: true });
    // ttlSecondsAfterFinished is behind a feature gate off by default before 1.21: such a server
    // drops it. It is only the backstop for a kdrill killed outright: kdrill deletes its Jobs
    // when the load stops, and `kdrill cleanup` removes what a dead run left.
    const gated = kube.binaries.minor < 21 ? ['spec.ttlSecondsAfterFinished'] : [];
    for (const job of [ledgerDriverJob(ledger), k6Job(k6)]) {
      const created = await client.create(job as KubeObject);
      expect(droppedFields((job as Object).spec, created.spec, 'spec')).toEqual(gated);
    }
    // As printed by the dry run too (its ConfigMap holds a placeholder for the bundle).
    const printed = objects.find((o) => o.kind === 'Job')!;
    await client.create(asRun({ ...printed, metadata: { ...printed.metadata, name: 'kdrill-ledger-printed' } }));
    for (let i = 0; ; i++) {
      const pods = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, labelSelector: 'job-name' });
      if (pods.items.length >= 3) break;
      if (i > 300) throw new Error(`the Job controller made ${pods.items.length} of 3 pods`);
      await sleep(100);
    }
  });

  it("a restore's scratch pod and Service: the real allocator refuses a NodePort another Service holds, so each restore takes the first free one", async () => {
    const pod = objects.find((o) => o.kind === 'Pod')!;
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name?.startsWith('kdrill-restore'))!;
    expect((service.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBe(KIND_RESTORE_NODE_PORTS.first);
    await client.create(asRun(pod));
    const first = await client.create(asRun(service));
    expect((first.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBe(KIND_RESTORE_NODE_PORTS.first);
    // A second restore asking for the same NodePort: the real allocator's 422.
    const again = await client.create(asRun({ ...service, metadata: { ...service.metadata, name: 'kdrill-restore-second' } })).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(String(again)).toMatch(/provided port is already allocated/);
    // What kdrill asks for instead: the next one, reached at the next host port.
    const free = await freeNodePort(client, KIND_RESTORE_NODE_PORTS, { host: '127.0.0.1', port: 5434 });
    expect(free).toEqual({ nodePort: KIND_RESTORE_NODE_PORTS.first + 1, port: 5435 });
    const second = await client.create(asRun({ ...service, metadata: { ...service.metadata, name: 'kdrill-restore-second' }, spec: { ...service.spec, ports: [{ ...(service.spec as { ports: object[] }).ports[0], nodePort: free.nodePort }] } }));
    expect((second.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBe(free.nodePort);
  });

  it('an eviction through the PodDisruptionBudget the fixture applied: one pod may go, the next is refused while it is away', async () => {
    expect(await client.evict(NAMESPACE, 'postgres-2')).toBe('evicted');
    const evicted = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, name: 'postgres-2' });
    expect(evicted?.metadata.deletionTimestamp, 'the evicted pod is being deleted').toBeDefined();
    // The disruption controller counts it: the budget (maxUnavailable 1) allows no second one.
    let outcome: string = 'evicted';
    for (let i = 0; i < 50 && outcome !== 'blocked'; i++) {
      await sleep(200);
      outcome = await client.evict(NAMESPACE, 'postgres-1').catch((e: unknown) => String(e));
      if (outcome === 'evicted') throw new Error('a second pod was evicted although the budget allows one');
    }
    expect(outcome).toBe('blocked');
  });

  it('cleanup by run id removes every object the run left (the Jobs\' pods through the garbage collector), and nothing else', async () => {
    const removed = await reapRunObjects(client, NAMESPACE, RUN);
    expect(removed.filter((r) => r.startsWith('Job ')).length).toBe(3);
    expect(removed.filter((r) => r.startsWith('Service ')).length).toBe(2);
    for (let i = 0; ; i++) {
      const left = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, labelSelector: 'job-name' });
      if (left.items.length === 0) break;
      if (i > 300) throw new Error(`the garbage collector left ${left.items.map((p) => p.metadata.name).join(', ')}`);
      await sleep(100);
    }
    for (const kind of ['ConfigMap', 'Service', 'Pod']) {
      const left = await client.list({ apiVersion: 'v1', kind, namespace: NAMESPACE, labelSelector: `kdrill.dev/run-id=${RUN}` });
      expect(left.items.map((o) => o.metadata.name), kind).toEqual([]);
    }
    expect(await client.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: NAMESPACE, name: 'postgres' })).toBeDefined();
  });
});
