import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../../harness/backends/kubernetes/client/kube-client.js';
import type { KubeObject } from '../../../harness/backends/kubernetes/client/types.js';
import { DEFAULT_FIXTURE, generatePasswords, postgresFixture, type PostgresFixtureOptions, type PostgresPasswords } from '../../../harness/backends/kubernetes/objects/postgres/index.js';
import { atServedVersion } from '../../../harness/backends/kubernetes/objects/served-version.js';
import type { RealKube } from './cluster.js';
import { KubeletStandIn, type StandInNode } from './kubelet.js';

// kind-config.yaml's shape on the real server: a control plane and a worker per zone, the
// PostgreSQL fixture applied through kdrill's own client, the pods the real StatefulSet
// controller creates run by the kubelet stand-in, one per zone, postgres-0 Patroni's leader.
export const NAMESPACE = 'kdrill-pg';
export const CONTROL_PLANE: StandInNode = { name: 'kdrill-control-plane', address: '198.18.100.2', controlPlane: true };
export const WORKERS: readonly StandInNode[] = [
  { name: 'kdrill-worker', zone: 'zone-a', address: '198.18.100.3' },
  { name: 'kdrill-worker2', zone: 'zone-b', address: '198.18.100.4' },
  { name: 'kdrill-worker3', zone: 'zone-c', address: '198.18.100.5' },
];

export interface SeededCluster {
  readonly kubelet: KubeletStandIn;
  readonly passwords: PostgresPasswords;
  readonly fixture: PostgresFixtureOptions;
  // What was applied, as the server returned it.
  readonly applied: readonly KubeObject[];
}

export async function seedPostgresCluster(kube: RealKube, client: KubeClient, options: { fixture?: Partial<PostgresFixtureOptions> } = {}): Promise<SeededCluster> {
  const kubelet = new KubeletStandIn({ url: kube.url, ca: kube.caCert, token: kube.pki.token }, [CONTROL_PLANE, ...WORKERS]);
  await kubelet.start();
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  const fixture: PostgresFixtureOptions = { ...DEFAULT_FIXTURE, namespace: NAMESPACE, nodePorts: { readWrite: 30432, readOnly: 30433 }, backupHostPath: '/var/lib/kdrill-backups', ...options.fixture };
  const passwords = generatePasswords();
  const applied: KubeObject[] = [];
  // As `kdrill cluster up` applies it: at the versions this server serves (1.20 lacks policy/v1).
  for (const object of postgresFixture(fixture, passwords)) applied.push(await client.apply(await atServedVersion(client, object)));
  // The StatefulSet controller creates the pods (Parallel: all at once); the stand-in runs them.
  const pods = await waitForPods(client, fixture.replicas);
  for (const [i, pod] of pods.entries()) await kubelet.runPod(NAMESPACE, pod, WORKERS[i % WORKERS.length]!.name, { labels: { role: i === 0 ? 'master' : 'replica' } });
  return { kubelet, passwords, fixture, applied };
}

async function waitForPods(client: KubeClient, count: number, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, labelSelector: 'cluster-name=postgres' });
    if (pods.items.length >= count) return pods.items.map((p) => p.metadata.name!).sort();
    if (Date.now() > deadline) throw new Error(`the StatefulSet controller made ${pods.items.length} of ${count} pods in ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}
