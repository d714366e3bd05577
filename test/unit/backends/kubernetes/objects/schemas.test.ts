import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../../harness/backends/kubernetes/client/types.js';
import { ioChaos } from '../../../../../harness/backends/kubernetes/objects/chaos/io-chaos.js';
import { networkChaos } from '../../../../../harness/backends/kubernetes/objects/chaos/network-chaos.js';
import { podChaos } from '../../../../../harness/backends/kubernetes/objects/chaos/pod-chaos.js';
import { stressChaos } from '../../../../../harness/backends/kubernetes/objects/chaos/stress-chaos.js';
import { timeChaos } from '../../../../../harness/backends/kubernetes/objects/chaos/time-chaos.js';
import { runLabels } from '../../../../../harness/backends/kubernetes/objects/labels.js';
import { DEFAULT_FIXTURE, generatePasswords, postgresFixture } from '../../../../../harness/backends/kubernetes/objects/postgres/index.js';
import { schemaProblems } from '../../../../helpers/kube-schemas.js';
import { chaosMeshUnavailable, unlessSkipped } from '../../../../helpers/shared-files.js';

const meta = { name: 'kdrill-run1-f1', namespace: 'kdrill-pg', labels: runLabels('run1', 'f1') };
const selector = { namespaces: ['kdrill-pg'], pods: { 'kdrill-pg': ['postgres-0'] } };
const zoneSelector = (zone: string) => ({ namespaces: ['kdrill-pg'], labelSelectors: { 'cluster-name': 'postgres' }, nodeSelectors: { 'topology.kubernetes.io/zone': zone } });

export const CHAOS_SAMPLES: Record<string, KubeObject> = {
  'pod-kill': podChaos(meta, { action: 'pod-kill', selector }),
  'pod-failure': podChaos(meta, { action: 'pod-failure', selector }),
  'network-delay': networkChaos(meta, { effect: { action: 'delay', latencyMs: 150, jitterMs: 20, correlation: 25 }, selector }),
  'network-loss': networkChaos(meta, { effect: { action: 'loss', loss: 30 }, selector: zoneSelector('zone-a') }),
  'zone-partition': networkChaos(meta, { effect: { action: 'partition' }, selector: zoneSelector('zone-a'), target: { namespaces: ['kdrill-pg'], labelSelectors: { 'cluster-name': 'postgres' }, nodes: ['kdrill-worker3', 'kdrill-worker5'] }, externalTargets: ['172.18.0.2', '10.96.0.1'] }),
  'cpu-stress': stressChaos(meta, { selector, stressor: { cpu: { workers: 2, load: 80 } }, containerNames: ['postgres'] }),
  'memory-stress': stressChaos(meta, { selector, stressor: { memory: { workers: 1, size: '256MB' } }, containerNames: ['postgres'] }),
  'io-latency': ioChaos(meta, { selector, effect: { action: 'latency', delayMs: 100 }, volumePath: '/var/lib/postgresql/data', path: '/var/lib/postgresql/data', percent: 50, containerNames: ['postgres'] }),
  'io-fault': ioChaos(meta, { selector, effect: { action: 'fault', errno: 5 }, volumePath: '/var/lib/postgresql/data', path: '/var/lib/postgresql/data/pgdata', percent: 100, containerNames: ['postgres'] }),
  'clock-skew': timeChaos(meta, { selector, offsetMs: -300_000, containerNames: ['postgres'] }),
};

describe.skipIf(chaosMeshUnavailable)(unlessSkipped('Chaos Mesh objects against the v2.8.3 CRDs', chaosMeshUnavailable), () => {
  it.each(Object.entries(CHAOS_SAMPLES))('%s is valid', async (_, object) => {
    expect(await schemaProblems(object)).toEqual([]);
  });

  it('the strict CRD check bites: an unknown field, a wrong type and a missing required field', async () => {
    const typo = { ...CHAOS_SAMPLES['pod-kill']!, spec: { ...(CHAOS_SAMPLES['pod-kill']!.spec as object), selecter: {} } };
    expect(await schemaProblems(typo)).toEqual([expect.objectContaining({ field: 'spec', message: expect.stringContaining('"selecter"') })]);
    const lossAsNumber = { ...CHAOS_SAMPLES['network-loss']!, spec: { ...(CHAOS_SAMPLES['network-loss']!.spec as object), loss: { loss: 30 } } };
    expect(await schemaProblems(lossAsNumber)).toEqual([expect.objectContaining({ field: 'spec.loss.loss', message: 'must be string' })]);
    const { volumePath: _, ...noVolume } = CHAOS_SAMPLES['io-fault']!.spec as Record<string, unknown>;
    expect((await schemaProblems({ ...CHAOS_SAMPLES['io-fault']!, spec: noVolume })).map((p) => p.message)).toContain("must have required property 'volumePath'");
  });
});

describe('the PostgreSQL fixture against the Kubernetes schemas (kubernetes-models)', () => {
  const kind = postgresFixture({ ...DEFAULT_FIXTURE, namespace: 'kdrill-pg', nodePorts: { readWrite: 30432, readOnly: 30433 }, backupHostPath: '/var/lib/kdrill-backups' }, generatePasswords());
  const generic = postgresFixture({ ...DEFAULT_FIXTURE, namespace: 'db', name: 'orders', storageClassName: 'gp3', synchronous: true }, generatePasswords());

  it.each([...kind, ...generic].map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o] as const))('%s is valid', async (_, object) => {
    expect(await schemaProblems(object)).toEqual([]);
  });

  it('holds every kind the issue asks for', () => {
    expect(kind.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Secret', 'ConfigMap', 'Service', 'Service', 'Service', 'PodDisruptionBudget', 'StatefulSet']);
  });

  it('the check bites on a core object too', async () => {
    const statefulSet = structuredClone(kind.find((o) => o.kind === 'StatefulSet')!) as KubeObject & { spec: { replicas: unknown } };
    statefulSet.spec.replicas = 'three';
    expect(await schemaProblems(statefulSet)).toEqual([expect.objectContaining({ field: 'spec.replicas', message: 'must be integer' })]);
  });
});

describe('fixtures/kubernetes/postgres.yaml', () => {
  it('is what the builders make (run `npm run fixtures` after changing them), and every object in it is valid', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseAllDocuments } = await import('yaml');
    const { fixtureManifest } = await import('../../../../../harness/backends/kubernetes/kind/manifest.js');
    const shipped = readFileSync(new URL('../../../../../fixtures/kubernetes/postgres.yaml', import.meta.url), 'utf8');
    expect(shipped).toBe(fixtureManifest());
    const objects = parseAllDocuments(shipped).map((d) => d.toJSON() as Record<string, unknown>);
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Service', 'Service', 'Service', 'PodDisruptionBudget', 'StatefulSet']);
    for (const object of objects) expect(await schemaProblems(object)).toEqual([]);
  });
});

describe('Jobs, scratch pods and their objects against the Kubernetes schemas', () => {
  it('the k6 Job and its script ConfigMap are valid', async () => {
    const { k6Job, k6ScriptConfigMap } = await import('../../../../../harness/backends/kubernetes/objects/jobs/k6-job.js');
    const options = { name: 'kdrill-k6-1a2b3c4d', namespace: 'kdrill-pg', labels: runLabels('run1'), script: 'export default function () {}', vus: 4, maxDurationMs: 600_000, rate: 'max' as const, db: { host: 'postgres.kdrill-pg.svc', port: 5432, user: 'postgres', database: 'kdrill' }, passwordSecret: { name: 'postgres-passwords', key: 'superuser-password' } };
    expect(await schemaProblems(k6Job(options) as never)).toEqual([]);
    expect(await schemaProblems(k6ScriptConfigMap(options) as never)).toEqual([]);
  });

  it('the ledger driver Job and its ConfigMap are valid', async () => {
    const { ledgerDriverConfigMap, ledgerDriverJob } = await import('../../../../../harness/backends/kubernetes/objects/jobs/ledger-job.js');
    const options = { name: 'kdrill-ledger-1a2b3c4d', namespace: 'kdrill-pg', labels: runLabels('run1'), bundle: '"use strict";', rate: 200, concurrency: 4, writeTimeoutMs: 2_000, maxDurationMs: 600_000, db: { host: 'postgres.kdrill-pg.svc', port: 5432, user: 'postgres', database: 'kdrill' }, passwordSecret: { name: 'postgres-passwords', key: 'superuser-password' } };
    expect(await schemaProblems(ledgerDriverJob(options) as never)).toEqual([]);
    expect(await schemaProblems(ledgerDriverConfigMap(options) as never)).toEqual([]);
  });

  it('a restore’s scratch pod, built from the fixture’s template, and its Service are valid', async () => {
    const { scratchPod, scratchService } = await import('../../../../../harness/backends/kubernetes/restore/scratch-pod.js');
    const statefulSet = postgresFixture({ ...DEFAULT_FIXTURE, namespace: 'kdrill-pg', backupHostPath: '/var/lib/kdrill-backups' }, generatePasswords()).find((o) => o.kind === 'StatefulSet')! as KubeObject & { spec: { template: never } };
    const o = { name: 'kdrill-restore-1a2b3c4d-1', namespace: 'kdrill-pg', labels: runLabels('run1'), template: statefulSet.spec.template, claimNames: ['data'], container: 'postgres', stanza: 'kdrill', restoreArgs: ['--pg1-path=/var/lib/postgresql/data/pgdata', '--set=20261124-120000F', 'restore'], dataDir: '/var/lib/postgresql/data/pgdata', nodePort: 30434 };
    expect(await schemaProblems(scratchPod(o) as never)).toEqual([]);
    expect(await schemaProblems(scratchService(o) as never)).toEqual([]);
  });
});
