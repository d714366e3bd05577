import type { KubeClient } from './client/kube-client.js';
import type { KubeObject } from './client/types.js';
import { LEADER_ROLE_VALUES, ROLE_LABEL, ZONE_LABEL } from './objects/postgres/options.js';
import type { MemberRole, Topology } from '../../model/topology.js';
import { conditionTrue } from './client/conditions.js';

const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';
// Nodes that carry no zone label (kind's control plane) are grouped under these names.
export const CONTROL_PLANE_ZONE = 'control-plane';
export const UNZONED = 'unzoned';

export interface NodeView {
  readonly name: string;
  readonly zone: string;
  readonly controlPlane: boolean;
  readonly ready: boolean;
  readonly unschedulable: boolean;
  readonly addresses: readonly string[];
  readonly taints: readonly { readonly key: string; readonly effect: string; readonly value?: string }[];
}

export interface PodView {
  readonly name: string;
  readonly node?: string;
  readonly role: MemberRole;
  readonly ready: boolean;
  readonly phase: string;
  readonly ip?: string;
  readonly terminating: boolean;
  // The data volume's claim, and the node its volume is bound to (a local volume pins the pod).
  readonly claim?: { readonly name: string; readonly phase: string; readonly boundNode?: string };
}

// What the API says about the workload now: nodes by zone, the StatefulSet's pods and their
// roles (Patroni's label), their claims and where those are bound, and kind's etcd pods.
// The StatefulSet being drilled: its pods are the ones its selector matches, and each pod's
// role is its role label or, lacking one, what Patroni answers.
export interface WorkloadRef {
  readonly namespace: string;
  readonly statefulSet: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly roleLabel: string;
  readonly patroniPort: number;
}

export function podSelectorOf(workload: Pick<WorkloadRef, 'podLabels'>): string {
  return Object.entries(workload.podLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export interface ClusterView {
  readonly nodes: readonly NodeView[];
  readonly pods: readonly PodView[];
  readonly etcd: readonly { readonly name: string; readonly node?: string; readonly ready: boolean }[];
  readonly topology: Topology;
}

type Json = Record<string, unknown>;
const get = (object: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((at, k) => (at as Json | undefined)?.[k], object);

function nodeView(node: KubeObject): NodeView {
  const labels = node.metadata.labels ?? {};
  const controlPlane = CONTROL_PLANE_LABEL in labels;
  return {
    name: node.metadata.name!,
    zone: labels[ZONE_LABEL] ?? (controlPlane ? CONTROL_PLANE_ZONE : UNZONED),
    controlPlane,
    ready: conditionTrue(node, 'Ready'),
    unschedulable: get(node, 'spec', 'unschedulable') === true,
    addresses: ((get(node, 'status', 'addresses') as { type: string; address: string }[] | undefined) ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address),
    taints: ((get(node, 'spec', 'taints') as NodeView['taints'] | undefined) ?? []).map((t) => ({ key: t.key, effect: t.effect, ...(t.value ? { value: t.value } : {}) })),
  };
}

// Patroni's role names (label values and REST answers) as kdrill's roles.
export function roleFromPatroni(role: string | undefined): MemberRole | undefined {
  if (role === undefined) return undefined;
  if ((LEADER_ROLE_VALUES as readonly string[]).includes(role)) return 'primary';
  if (role === 'replica' || role === 'standby_leader' || role === 'sync_standby') return 'replica';
  return undefined;
}

// A pod's role from the API alone. The label is Patroni's last word, and a pod on a node that
// stopped heartbeating keeps it (and phase Running) until it is deleted, minutes later: so a
// pod on a node that is not Ready is down, and a leader label counts only on a Ready pod
// (Patroni's /readiness answers for the leader), never two primaries for one failover.
export function roleOfPod(pod: KubeObject, roleLabel = ROLE_LABEL, nodeReady = true): MemberRole {
  const phase = String(get(pod, 'status', 'phase') ?? 'Unknown');
  if (pod.metadata.deletionTimestamp || phase !== 'Running' || !nodeReady) return 'down';
  const ready = conditionTrue(pod, 'Ready');
  const role = roleFromPatroni(pod.metadata.labels?.[roleLabel]);
  if (role === 'primary' && !ready) return 'down';
  return role ?? (ready ? 'unknown' : 'down');
}

// A running pod without a role label: Patroni's GET /patroni through the pod proxy.
async function askPatroni(client: KubeClient, workload: WorkloadRef, pod: string): Promise<MemberRole> {
  try {
    const answer = JSON.parse(await client.proxyRequest('GET', workload.namespace, pod, workload.patroniPort, '/patroni')) as { role?: string; state?: string };
    if (answer.state && answer.state !== 'running') return 'down';
    return roleFromPatroni(answer.role) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function claimOf(pod: KubeObject, claims: readonly KubeObject[], volumes: readonly KubeObject[]): PodView['claim'] {
  const claimName = ((get(pod, 'spec', 'volumes') as { persistentVolumeClaim?: { claimName: string } }[] | undefined) ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
  if (!claimName) return undefined;
  const claim = claims.find((c) => c.metadata.name === claimName);
  if (!claim) return { name: claimName, phase: 'Missing' };
  const volume = volumes.find((v) => v.metadata.name === get(claim, 'spec', 'volumeName'));
  const terms = (get(volume, 'spec', 'nodeAffinity', 'required', 'nodeSelectorTerms') as { matchExpressions?: { key: string; values?: string[] }[] }[] | undefined) ?? [];
  const pinned = terms.flatMap((t) => t.matchExpressions ?? []).find((e) => e.key === 'kubernetes.io/hostname')?.values?.[0];
  const selected = claim.metadata.annotations?.['volume.kubernetes.io/selected-node'];
  const boundNode = pinned ?? selected;
  return { name: claimName, phase: String(get(claim, 'status', 'phase') ?? 'Unknown'), ...(boundNode ? { boundNode } : {}) };
}

// Reads the view; kube-system's etcd pods and PersistentVolumes are optional (a namespaced
// account may not list them), everything else is required.
export async function readClusterView(client: KubeClient, workload: WorkloadRef): Promise<ClusterView> {
  const namespace = workload.namespace;
  const [nodes, pods, claims] = await Promise.all([
    client.list({ apiVersion: 'v1', kind: 'Node' }),
    client.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: podSelectorOf(workload) }),
    client.list({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace }),
  ]);
  const optional = async (query: Parameters<KubeClient['list']>[0]): Promise<KubeObject[]> => (await client.list(query).catch(() => ({ items: [] }))).items;
  const [volumes, etcdPods] = await Promise.all([
    optional({ apiVersion: 'v1', kind: 'PersistentVolume' }),
    optional({ apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', labelSelector: 'component=etcd' }),
  ]);
  const nodeViews = nodes.items.map(nodeView).sort((a, b) => a.name.localeCompare(b.name));
  const nodeReady = new Map(nodeViews.map((n) => [n.name, n.ready]));
  const podViews: PodView[] = (
    await Promise.all(
      pods.items.map(async (pod) => {
        const claim = claimOf(pod, claims.items, volumes);
        const node = get(pod, 'spec', 'nodeName') as string | undefined;
        const ip = get(pod, 'status', 'podIP') as string | undefined;
        // A pod on a node the API does not list (deleted by a fault) has no kubelet either.
        let role = roleOfPod(pod, workload.roleLabel, node === undefined || nodeReady.get(node) === true);
        if (role === 'unknown') role = await askPatroni(client, workload, pod.metadata.name!);
        return {
          name: pod.metadata.name!,
          ...(node ? { node } : {}),
          role,
          ready: conditionTrue(pod, 'Ready'),
          phase: String(get(pod, 'status', 'phase') ?? 'Unknown'),
          ...(ip ? { ip } : {}),
          terminating: pod.metadata.deletionTimestamp !== undefined,
          ...(claim ? { claim } : {}),
        };
      }),
    )
  ).sort((a, b) => a.name.localeCompare(b.name));
  const etcd = etcdPods.map((p) => ({ name: p.metadata.name!, ...(get(p, 'spec', 'nodeName') ? { node: get(p, 'spec', 'nodeName') as string } : {}), ready: conditionTrue(p, 'Ready') }));
  return { nodes: nodeViews, pods: podViews, etcd, topology: topologyOf(nodeViews, podViews, etcd) };
}

// Zones → nodes → members (the PostgreSQL pods scheduled there, and etcd members). A pod not
// scheduled anywhere yet is listed on no node: it is not a member of any zone.
function topologyOf(nodes: readonly NodeView[], pods: readonly PodView[], etcd: ClusterView['etcd']): Topology {
  const zones = [...new Set(nodes.map((n) => n.zone))].sort();
  return {
    zones: zones.map((zone) => ({
      name: zone,
      nodes: nodes
        .filter((n) => n.zone === zone)
        .map((n) => ({
          name: n.name,
          zone,
          ...(n.addresses[0] ? { address: n.addresses[0] } : {}),
          members: [
            ...pods.filter((p) => p.node === n.name).map((p) => ({ name: p.name, kind: 'postgresql' as const, role: p.role })),
            ...etcd.filter((e) => e.node === n.name).map((e) => ({ name: e.name, kind: 'etcd' as const, role: e.ready ? ('unknown' as const) : ('down' as const) })),
          ],
        })),
    })),
  };
}
