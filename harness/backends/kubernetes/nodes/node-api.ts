import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { formatDuration } from '../../../model/duration.js';
import type { KubeClient } from '../client/kube-client.js';
import { observe } from '../client/observe.js';
import type { KubeObject } from '../client/types.js';
import { conditionTrue } from '../client/conditions.js';

export const OUT_OF_SERVICE_TAINT = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' } as const;

export type Taint = { key: string; value?: string; effect: string };
const nodeRef = (name: string) => ({ apiVersion: 'v1', kind: 'Node', name });
const taintsOf = (node: KubeObject): Taint[] => ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).map((t) => ({ ...t }));
const ready = (node: KubeObject): boolean => conditionTrue(node, 'Ready');

export async function setUnschedulable(client: KubeClient, node: string, unschedulable: boolean): Promise<void> {
  await client.mergePatch(nodeRef(node), { spec: { unschedulable: unschedulable ? true : null } });
}

// Adds or removes a taint by read-modify-write (retried on conflict): the node controller
// updates the same list, so a merge patch of the whole list could drop its taints.
export async function setTaint(client: KubeClient, node: string, taint: Taint, present: boolean): Promise<boolean> {
  const updated = await client.update(nodeRef(node), (current) => {
    const taints = taintsOf(current);
    const has = taints.some((t) => t.key === taint.key && t.effect === taint.effect);
    if (has === present) return undefined;
    const next = present ? [...taints, { ...taint }] : taints.filter((t) => !(t.key === taint.key && t.effect === taint.effect));
    return { ...current, spec: { ...(current.spec as object), taints: next } };
  });
  return updated !== undefined;
}

// The node controller's own NoExecute taints for a node that stopped answering.
const CONTROLLER_NO_EXECUTE = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'];

// Sets a taint on a node that is not Ready and keeps it there until the node controller has
// made its own NoExecute swap. Before 1.26 that controller patches the whole taint list from its
// cache without a resourceVersion (kubernetes#113136), so a taint set just before its swap is
// silently dropped; it is put back each time, and the count of put-backs is returned.
export async function holdTaint(client: KubeClient, node: string, taint: Taint, o: { timeoutMs: number; signal?: AbortSignal; settleMs?: number }): Promise<number> {
  const deadline = performance.now() + o.timeoutMs;
  let putBack = -1;
  let settledSince: number | undefined;
  for (;;) {
    const current = await client.get(nodeRef(node));
    if (!current) return Math.max(putBack, 0); // deleted meanwhile: nothing left to hold
    const taints = taintsOf(current);
    const ours = taints.some((t) => t.key === taint.key && t.effect === taint.effect);
    const swapped = taints.some((t) => t.effect === 'NoExecute' && CONTROLLER_NO_EXECUTE.includes(t.key));
    if (!ours) {
      await setTaint(client, node, taint, true);
      putBack++;
      settledSince = undefined;
    } else if (swapped) {
      settledSince ??= performance.now();
      if (performance.now() - settledSince >= (o.settleMs ?? 1_000)) return Math.max(putBack, 0);
    }
    if (performance.now() >= deadline) {
      if (ours) return Math.max(putBack, 0); // the controller never swapped: ours is in place
      throw new KdrillError(ErrorCode.STEP_FAILED, `the taint ${taint.key}:${taint.effect} on node ${node} kept being removed for ${formatDuration(o.timeoutMs)}`);
    }
    await sleep(500, undefined, o.signal ? { signal: o.signal } : undefined);
  }
}

// What a Node carries that its kubelet may not set when it registers again: every label,
// and the taints others put on it (kubeadm's control-plane taint, a person's). The taints
// under node.kubernetes.io/ are the node controller's and kdrill's own: state, not setup.
export interface NodeRegistration {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

export async function readRegistration(client: KubeClient, node: string): Promise<NodeRegistration | undefined> {
  const current = await client.get(nodeRef(node));
  if (!current) return undefined;
  return { labels: { ...(current.metadata.labels ?? {}) }, taints: taintsOf(current).filter((t) => !t.key.startsWith('node.kubernetes.io/')) };
}

// Puts back on a Node that registered again what it had before it was deleted and lacks
// now; what the kubelet set is left as it is. Returns what was put back ("label k", "taint k").
export async function restoreRegistration(client: KubeClient, node: string, saved: NodeRegistration): Promise<string[]> {
  let restored: string[] = [];
  await client.update(nodeRef(node), (current) => {
    const labels = current.metadata.labels ?? {};
    const taints = taintsOf(current);
    const missingLabels = Object.entries(saved.labels).filter(([key]) => !(key in labels));
    const missingTaints = saved.taints.filter((t) => !taints.some((x) => x.key === t.key && x.effect === t.effect));
    restored = [...missingLabels.map(([key]) => `label ${key}`), ...missingTaints.map((t) => `taint ${t.key}:${t.effect}`)];
    if (restored.length === 0) return undefined;
    return {
      ...current,
      metadata: { ...current.metadata, labels: { ...labels, ...Object.fromEntries(missingLabels) } },
      spec: { ...(current.spec as object), taints: [...taints, ...missingTaints.map((t) => ({ ...t }))] },
    };
  });
  return restored;
}

// Waits until every node reads as `wanted`: not Ready once the node controller has marked it
// (a dead kubelet stops renewing its lease; after node-monitor-grace-period the node reads
// Unknown; a deleted node counts too), or Ready again.
async function waitNodes(client: KubeClient, nodes: readonly string[], wanted: 'ready' | 'not-ready', timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const holds = (node: KubeObject | undefined): boolean => (wanted === 'ready' ? node !== undefined && ready(node) : !node || !ready(node));
  await observe(
    client,
    { apiVersion: 'v1', kind: 'Node' },
    (all) => (nodes.every((name) => holds(all.find((x) => x.metadata.name === name))) ? true : undefined),
    { timeoutMs, what: `nodes ${nodes.join(', ')} to be ${wanted === 'ready' ? 'Ready again' : 'marked not Ready'}`, ...(signal ? { signal } : {}) },
  );
}

export const waitNotReady = (client: KubeClient, nodes: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<void> => waitNodes(client, nodes, 'not-ready', timeoutMs, signal);
export const waitReady = (client: KubeClient, nodes: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<void> => waitNodes(client, nodes, 'ready', timeoutMs, signal);

// Waits until the API server answers again (it fails every request while etcd lacks quorum).
export async function waitApiAnswers(client: KubeClient, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      await client.list({ apiVersion: 'v1', kind: 'Namespace' });
      return;
    } catch (error) {
      if (performance.now() >= deadline) throw new KdrillError(ErrorCode.REVERT_FAILED, `the API server did not answer within ${formatDuration(timeoutMs)} of etcd's restart`, { cause: error });
      await sleep(2_000, undefined, signal ? { signal } : undefined);
    }
  }
}

// Pods a drain evicts: everything on the node but DaemonSet pods and static (mirror) pods.
function evictable(pod: KubeObject): boolean {
  const owners = (pod.metadata.ownerReferences as { kind?: string }[] | undefined) ?? [];
  const mirror = pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
  return !mirror && !owners.some((o) => o.kind === 'DaemonSet');
}

// The second half of kubectl drain, once the node is cordoned (setUnschedulable): evict
// every evictable pod, retrying those a PodDisruptionBudget blocks, until the node is empty
// or the time is up.
export async function evictPods(client: KubeClient, node: string, options: { timeoutMs: number; retryMs?: number; signal?: AbortSignal; log?: (line: string) => void }): Promise<{ evicted: string[] }> {
  const deadline = performance.now() + options.timeoutMs;
  const evicted: string[] = [];
  for (;;) {
    options.signal?.throwIfAborted();
    const pods = (await client.list({ apiVersion: 'v1', kind: 'Pod', fieldSelector: `spec.nodeName=${node}` })).items.filter(evictable);
    if (pods.length === 0) return { evicted };
    const blocked: string[] = [];
    for (const pod of pods) {
      const outcome = await client.evict(pod.metadata.namespace!, pod.metadata.name!);
      if (outcome === 'evicted') evicted.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
      if (outcome === 'blocked') blocked.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    if (performance.now() >= deadline) {
      const why = blocked.length ? `a PodDisruptionBudget still blocks ${blocked.join(', ')}` : `pods still terminating: ${pods.map((p) => p.metadata.name).join(', ')}`;
      throw new KdrillError(ErrorCode.STEP_FAILED, `drain of ${node} did not finish in ${formatDuration(options.timeoutMs)}: ${why}`);
    }
    if (blocked.length) options.log?.(`drain ${node}: a PodDisruptionBudget blocks ${blocked.join(', ')}; retrying`);
    // Evicted pods take their grace period to go; blocked ones wait for the budget to allow.
    const pause = blocked.length ? (options.retryMs ?? 5_000) : 250;
    await sleep(Math.max(0, Math.min(pause, deadline - performance.now())), undefined, options.signal ? { signal: options.signal } : undefined);
  }
}
