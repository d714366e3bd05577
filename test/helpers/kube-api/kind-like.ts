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

// Chaos Mesh's controller, as far as kdrill sees it: a new chaos object gets its finalizer and
// then Selected and AllInjected; a deleted one is recovered (AllRecovered) and released.
// `inject: false` plays a controller that never injects (no chaos-daemon on the node).
export function simulateChaosMesh(api: KubeTestServer, options: { inject?: boolean; recover?: boolean } = {}): { injected: JsonObject[]; recovered: string[] } {
  const seen = { injected: [] as JsonObject[], recovered: [] as string[] };
  api.store.subscribe((event) => {
    if (event.resource.group !== 'chaos-mesh.org') return;
    const meta = event.object.metadata as JsonObject;
    setImmediate(() => {
      const live = api.object(String(event.object.apiVersion), String(event.object.kind), String(meta.namespace), String(meta.name));
      if (!live) return;
      const liveMeta = live.metadata as JsonObject;
      delete liveMeta.managedFields;
      if (event.type === 'ADDED') {
        seen.injected.push(live);
        const conditions = options.inject === false ? [{ type: 'Selected', status: 'True' }, { type: 'AllInjected', status: 'False' }] : [{ type: 'Selected', status: 'True' }, { type: 'AllInjected', status: 'True' }, { type: 'AllRecovered', status: 'False' }];
        api.put({ ...live, metadata: { ...liveMeta, finalizers: ['chaos-mesh/records'] }, status: { conditions } });
      } else if (event.type === 'MODIFIED' && liveMeta.deletionTimestamp && (liveMeta.finalizers as string[] | undefined)?.length && options.recover !== false) {
        seen.recovered.push(String(meta.name));
        const object = api.put({ ...live, metadata: { ...liveMeta, finalizers: [] }, status: { conditions: [{ type: 'AllRecovered', status: 'True' }] } });
        api.store.remove(api.resourceTypeOf(object), String(meta.namespace), String(meta.name));
      }
    });
  });
  return seen;
}

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
