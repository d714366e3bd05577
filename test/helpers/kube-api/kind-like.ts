import { KubeClient } from '../../../harness/backends/kubernetes/client/kube-client.js';
import { DEFAULT_FIXTURE, generatePasswords, postgresFixture, type PostgresPasswords } from '../../../harness/backends/kubernetes/objects/postgres/index.js';
import type { JsonObject } from './patch.js';
import type { KubeTestServer } from './server.js';

export const NS = 'kdrill-pg';
export const ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;

// kind's node names for kind-config.yaml: the control plane, then two workers per zone.
export const WORKERS = ZONES.flatMap((zone, z) => [1, 2].map((i) => ({ name: `kdrill-worker${z * 2 + i === 1 ? '' : z * 2 + i}`, zone, address: `172.18.0.${3 + z * 2 + i}` })));
export const CONTROL_PLANE = { name: 'kdrill-control-plane', address: '172.18.0.2' };

const node = (name: string, address: string, labels: Record<string, string>): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: {},
  status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: name }] },
});

// What every API server keeps in the default namespace: the `kubernetes` Service (its cluster
// IP is the pods' KUBERNETES_SERVICE_HOST; kind's service subnet 10.96.0.0/16 gives it
// 10.96.0.1) and its Endpoints, the API servers' own addresses (kind's control plane:6443).
export const API_SERVICE_IP = '10.96.0.1';
export function apiServerObjects(endpoints: readonly string[] = [CONTROL_PLANE.address]): JsonObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: API_SERVICE_IP, clusterIPs: [API_SERVICE_IP], ipFamilies: ['IPv4'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: endpoints.map((ip) => ({ ip })), ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    },
  ];
}

// A pod of the StatefulSet as the kubelet and Patroni leave it: scheduled, running, Ready,
// labelled with its role, its claim bound to a local volume on its node.
export function memberPod(name: string, nodeName: string, role: string | undefined, ready = true): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { 'app.kubernetes.io/instance': 'postgres', 'cluster-name': 'postgres', ...(role ? { role } : {}) } },
    spec: { nodeName, containers: [{ name: 'postgres', image: DEFAULT_FIXTURE.image }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-${name}` } }] },
    status: { phase: 'Running', podIP: `10.244.${name.slice(-1)}.5`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

// The kind cluster of kind-config.yaml with the fixture applied through kdrill's own client
// (so the test server validates every object), and what the controllers would have made:
// three Running pods, postgres-0 the leader, one per zone, each with a bound local volume.
export async function seedKindCluster(api: KubeTestServer): Promise<{ passwords: PostgresPasswords; client: KubeClient }> {
  api.put(node(CONTROL_PLANE.name, CONTROL_PLANE.address, { 'node-role.kubernetes.io/control-plane': '' }));
  for (const w of WORKERS) api.put(node(w.name, w.address, { 'topology.kubernetes.io/zone': w.zone }));
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const object of apiServerObjects()) api.put(object);
  const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 2, baseDelayMs: 5 } });
  const passwords = generatePasswords();
  for (const object of postgresFixture({ ...DEFAULT_FIXTURE, namespace: NS, nodePorts: { readWrite: 30432, readOnly: 30433 }, backupHostPath: '/var/lib/kdrill-backups' }, passwords)) await client.apply(object);
  const placement = [WORKERS[0]!, WORKERS[2]!, WORKERS[4]!];
  placement.forEach((w, i) => {
    const pod = `postgres-${i}`;
    api.put({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pvc-${i}` }, spec: { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [w.name] }] }] } } } });
    api.put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `data-${pod}`, namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], volumeName: `pvc-${i}`, resources: { requests: { storage: '2Gi' } } }, status: { phase: 'Bound' } });
    api.put(memberPod(pod, w.name, i === 0 ? 'master' : 'replica'));
  });
  api.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `etcd-${CONTROL_PLANE.name}`, namespace: 'kube-system', labels: { component: 'etcd' } }, spec: { nodeName: CONTROL_PLANE.name, containers: [{ name: 'etcd', image: 'registry.k8s.io/etcd' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  return { passwords, client };
}

// Chaos Mesh's controllers live in chaos-mesh.ts; re-exported for the tests that seed kind.
export { simulateChaosMesh } from './chaos-mesh.js';

// The Job controller and the kubelet: each new Job gets one pod (named `<job>-<suffix>`,
// labelled job-name), Running at once.
export function simulateJobController(api: KubeTestServer, container: { name: string; image: string }, suffix: string): void {
  api.store.subscribe((e) => {
    if (e.resource.kind !== 'Job' || e.type !== 'ADDED') return;
    const job = String((e.object.metadata as JsonObject).name);
    const namespace = String((e.object.metadata as JsonObject).namespace);
    setImmediate(() => api.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${job}-${suffix}`, namespace, labels: { 'job-name': job } }, spec: { containers: [container] }, status: { phase: 'Running' } }));
  });
}
