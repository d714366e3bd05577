import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { formatDuration } from '../../../model/duration.js';
import type { InjectContext } from '../../../faults/types.js';
import type { FaultParams, FaultType } from '../../../model/fault.js';
import type { Topology } from '../../../model/topology.js';
import type { KubeClient } from '../client/kube-client.js';
import type { KubeObject } from '../client/types.js';
import { observe } from '../client/observe.js';
import { conditionTrue } from '../client/conditions.js';
import { nodeArgv, runCommand } from '../nodes/commands.js';
import { KIND_NETWORK, type KindNodeOps } from '../nodes/kind-nodes.js';
import { evictPods, holdTaint, OUT_OF_SERVICE_TAINT, readRegistration, restoreRegistration, setTaint, setUnschedulable, waitApiAnswers, waitNotReady, waitReady, type NodeRegistration } from '../nodes/node-api.js';
import type { KubernetesTarget } from '../target.js';
import { nodesOfZone, selectNode, selectZone } from './select.js';
import { ETCD_MANIFEST, START_ETCD, STOP_ETCD } from '../etcd/static-pods.js';
import { NODE_MECHANISMS, type NodeMechanism } from './node-mechanisms.js';

export { refuseNodeFault, type NodeMechanism } from './node-mechanisms.js';
export type Completion = KubernetesTarget['nodeFailureCompletion'];

// Everything a node fault's revert needs, journalled before the harm.
export interface NodeFaultData extends Record<string, unknown> {
  readonly mechanism: NodeMechanism;
  readonly nodes: readonly string[];
  readonly addresses: Readonly<Record<string, string>>;
  readonly provider: KubernetesTarget['provider'];
  readonly completion: Completion;
  readonly nodeCommands?: KubernetesTarget['nodeCommands'];
  readonly statefulSet: string;
  readonly namespace: string;
  // The StatefulSet's pods, as a label selector.
  readonly podSelector: string;
  // delete-node: each Node's labels and taints before the harm, put back once it registers
  // again (read when injecting, journalled with the rest before the harm).
  readonly registrations?: Readonly<Record<string, NodeRegistration>>;
}

export interface NodeTimeouts {
  readonly notReadyMs: number;
  readonly readyMs: number;
  readonly drainMs: number;
}
export const DEFAULT_NODE_TIMEOUTS: NodeTimeouts = { notReadyMs: 180_000, readyMs: 300_000, drainMs: 300_000 };

export interface NodeFaultEnv {
  readonly client: KubeClient;
  readonly kind: KindNodeOps;
  readonly timeouts: NodeTimeouts;
  readonly log: (line: string) => void;
}

interface NodeFaultKind {
  readonly mechanism: NodeMechanism;
  nodes(params: FaultParams, topology: Topology): string[];
}

const mechanismOf = (type: FaultType): NodeMechanism => NODE_MECHANISMS.get(type)!;
const oneNode = (type: FaultType): [FaultType, NodeFaultKind] => [type, { mechanism: mechanismOf(type), nodes: (params, topology) => [selectNode(topology, params.node ?? 'primary').name] }];


// The etcd members (control-plane nodes), the one nearest the selector first: a node's own
// member, else the member in the zone of the pod "primary"/"replica" names, else the first.
function etcdNodes(topology: Topology, selector: unknown): string[] {
  const members = topology.zones.flatMap((z) => z.nodes.filter((n) => n.members.some((m) => m.kind === 'etcd')).map((n) => ({ node: n.name, zone: z.name })));
  if (members.length === 0) throw new KdrillError(ErrorCode.STEP_FAILED, 'no etcd member is visible: kdrill reads them from kube-system (kind runs etcd as a static pod on each control-plane node)');
  const wanted = String(selector ?? 'primary');
  const own = members.find((m) => m.node === wanted);
  const zone = wanted === 'primary' || wanted === 'replica' ? selectNode(topology, wanted).zone : undefined;
  const first = own ?? members.find((m) => m.zone === zone) ?? members[0]!;
  return [first.node, ...members.filter((m) => m !== first).map((m) => m.node)];
}

export const NODE_FAULTS: ReadonlyMap<FaultType, NodeFaultKind> = new Map<FaultType, NodeFaultKind>([
  ['etcd-member-kill', { mechanism: mechanismOf('etcd-member-kill'), nodes: (params, topology) => etcdNodes(topology, params.node).slice(0, 1) }],
  [
    'etcd-quorum-loss',
    {
      mechanism: mechanismOf('etcd-quorum-loss'),
      nodes: (params, topology) => {
        const all = etcdNodes(topology, 'primary');
        const count = typeof params.members === 'number' ? params.members : Math.floor(all.length / 2) + 1;
        if (count > all.length) throw new KdrillError(ErrorCode.STEP_FAILED, `etcd-quorum-loss of ${count} members, but the cluster has ${all.length}`);
        return all.slice(0, count);
      },
    },
  ],
  oneNode('node-crash'),
  oneNode('node-freeze'),
  oneNode('node-isolation'),
  oneNode('node-drain'),
  ['zone-outage', { mechanism: mechanismOf('zone-outage'), nodes: (params, topology) => nodesOfZone(topology, selectZone(topology, params.zone ?? 'primary')).map((n) => n.name) }],
]);

// How a plan tells the reader which path releases a failed node's pods: it dominates the RTO.
export function completionText(mechanism: NodeMechanism, completion: Completion): string {
  if (mechanism !== 'crash') return '';
  switch (completion) {
    case 'out-of-service-taint':
      return '; once not Ready, the node.kubernetes.io/out-of-service taint releases its pods (non-graceful node shutdown)';
    case 'delete-node':
      return '; once not Ready, the Node object is deleted, which releases its pods';
    default:
      return '; its pods stay bound to it until Kubernetes evicts them (nodeFailureCompletion: none)';
  }
}

async function stopNode(env: NodeFaultEnv, data: NodeFaultData, node: string): Promise<void> {
  if (data.provider === 'kind') return env.kind.crash(node);
  if (!data.nodeCommands) throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, `cannot stop node ${node}: no target.nodeCommands on provider generic`);
  await runCommand(nodeArgv(data.nodeCommands.stop, node), { timeoutMs: 300_000 });
}

async function startNode(env: NodeFaultEnv, data: NodeFaultData, node: string): Promise<void> {
  if (data.provider === 'kind') return env.kind.start(node);
  if (!data.nodeCommands) return;
  await runCommand(nodeArgv(data.nodeCommands.start, node), { timeoutMs: 300_000 });
}

// The workload's pods still bound to the failed nodes.
async function podsOn(env: NodeFaultEnv, data: NodeFaultData): Promise<string[]> {
  const pods = await env.client.list({ apiVersion: 'v1', kind: 'Pod', namespace: data.namespace, labelSelector: data.podSelector });
  return pods.items.filter((p) => data.nodes.includes(String((p.spec as { nodeName?: string } | undefined)?.nodeName))).map((p) => p.metadata.name!);
}

type Milestones = Pick<InjectContext, 'milestone'>;

// After a crash, in the background: once the nodes read not Ready and the pods were given
// `podEvictionTimeout` to be evicted the slow way, release them the way a cloud would. Each
// step done is a milestone of the fault, timed from the nodes' stop.
async function completeFailure(env: NodeFaultEnv, data: NodeFaultData, evictionMs: number, ctx: Milestones, signal: AbortSignal): Promise<void> {
  const stopped = performance.now();
  const sinceStopMs = (): number => Math.round(performance.now() - stopped);
  await waitNotReady(env.client, data.nodes, env.timeouts.notReadyMs, signal);
  const notReadyMs = sinceStopMs();
  await ctx.milestone('node-not-ready', { nodes: data.nodes, sinceStopMs: notReadyMs });
  let stuck = await podsOn(env, data);
  const until = performance.now() + evictionMs;
  while (stuck.length && performance.now() < until) {
    await sleep(Math.min(2_000, until - performance.now()), undefined, { signal });
    stuck = await podsOn(env, data);
  }
  if (stuck.length === 0) {
    await ctx.milestone('pods-evicted', { nodes: data.nodes, by: 'kubernetes', sinceStopMs: sinceStopMs() });
    return;
  }
  for (const node of data.nodes) {
    signal.throwIfAborted();
    if (data.completion === 'out-of-service-taint') {
      const putBack = await holdTaint(env.client, node, OUT_OF_SERVICE_TAINT, { timeoutMs: env.timeouts.notReadyMs, signal });
      if (putBack) env.log(`${node}: the node controller's taint update dropped the out-of-service taint ${putBack} time(s) (a patch from its cache, Kubernetes < 1.26); put back`);
    } else await env.client.delete({ apiVersion: 'v1', kind: 'Node', name: node });
  }
  const done = sinceStopMs();
  await ctx.milestone(data.completion === 'out-of-service-taint' ? 'out-of-service-taint' : 'node-deleted', { nodes: data.nodes, pods: stuck, sinceStopMs: done });
  env.log(`${data.completion === 'out-of-service-taint' ? 'tainted' : 'deleted'} ${data.nodes.join(', ')} after ${formatDuration(done)} (not Ready after ${formatDuration(notReadyMs)}); pods released: ${stuck.join(', ')}`);
}

// What finishes a fault after inject() returned, run by its handle in the background.
export type Completing = (signal: AbortSignal) => Promise<void>;

// Harms the nodes and journals t0 (ctx.effective) the moment the harm took effect: on a
// fault of several nodes, once the first is down (its clients lose service then), the rest
// journalled as `nodes-stopped`; for etcd, once every member named is stopped (quorum is
// lost with the last). Returns what completes the fault, if anything does: the release of a
// crashed node's pods, a drain's evictions. Nothing here waits for the cluster to react.
export async function harmNodes(env: NodeFaultEnv, data: NodeFaultData, ctx: Pick<InjectContext, 'effective' | 'milestone'>, options: { evictionMs: number }): Promise<Completing | undefined> {
  const each = async (act: (node: string) => Promise<unknown>, action: string, via: string): Promise<void> => {
    const [first, ...rest] = data.nodes;
    if (first === undefined) return;
    await act(first);
    await ctx.effective({ action, nodes: [first], via });
    for (const node of rest) await act(node);
    if (rest.length) await ctx.milestone(`nodes-${action}`, { nodes: data.nodes, via });
  };
  switch (data.mechanism) {
    case 'crash':
      await each((node) => stopNode(env, data, node), 'stopped', data.provider === 'kind' ? 'docker kill --signal KILL' : 'target.nodeCommands.stop');
      return data.completion === 'none' ? undefined : (signal) => completeFailure(env, data, options.evictionMs, ctx, signal);
    case 'freeze':
      await each((node) => env.kind.pause(node), 'paused', 'docker pause');
      return undefined;
    case 'isolate':
      await each((node) => env.kind.disconnect(node), 'disconnected', `docker network disconnect ${KIND_NETWORK}`);
      return undefined;
    case 'drain':
      // A cordon alone harms nothing, but the evictions follow at once: t0 is the cordon.
      await each((node) => setUnschedulable(env.client, node, true), 'cordoned', 'spec.unschedulable, then evictions through the PodDisruptionBudgets');
      return (signal) => drainAll(env, data, ctx, signal);
    case 'etcd-stop':
      for (const node of data.nodes) await env.kind.exec(node, STOP_ETCD);
      await ctx.effective({ action: 'etcd-stopped', nodes: data.nodes, via: `static pod manifest moved out of ${ETCD_MANIFEST}` });
      return undefined;
  }
}

// A drain's evictions, in the background once the nodes are cordoned.
async function drainAll(env: NodeFaultEnv, data: NodeFaultData, ctx: Milestones, signal: AbortSignal): Promise<void> {
  const cordoned = performance.now();
  const pods: string[] = [];
  for (const node of data.nodes) pods.push(...(await evictPods(env.client, node, { timeoutMs: env.timeouts.drainMs, signal, log: env.log })).evicted);
  await ctx.milestone('pods-evicted', { nodes: data.nodes, by: 'drain', pods, sinceCordonMs: Math.round(performance.now() - cordoned) });
}

// Reads what a Node deletion loses and the kubelet may not give back (labels, taints set by
// others), for the revert record: only a crash completed by `delete-node` deletes Nodes.
export async function withRegistrations(env: NodeFaultEnv, data: NodeFaultData): Promise<NodeFaultData> {
  if (data.mechanism !== 'crash' || data.completion !== 'delete-node') return data;
  const registrations: Record<string, NodeRegistration> = {};
  for (const node of data.nodes) {
    const registration = await readRegistration(env.client, node);
    if (registration) registrations[node] = registration;
  }
  return { ...data, registrations };
}

// The address a Node's kubelet registered (its InternalIP).
const internalIp = (node: KubeObject | undefined): string | undefined =>
  ((node?.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address;

// Reconnects an isolated node at the address its kubelet registered: now, not the one
// recorded, so a revert repeated after a restart asks for the address the kubelet has since
// taken. A node Docker put elsewhere was restarted by connect; it is healed once its Node is
// Ready at the new address (Ready alone may be stale: a short isolation never lost it).
async function reconnectNode(env: NodeFaultEnv, data: NodeFaultData, node: string, ctx?: Milestones): Promise<void> {
  const asked = internalIp(await env.client.get({ apiVersion: 'v1', kind: 'Node', name: node }).catch(() => undefined)) ?? data.addresses[node];
  const back = await env.kind.connect(node, asked);
  if (!back.restarted) return;
  env.log(`${node}: ${back.restarted}; restarted its container, so kind's entrypoint gives the kubelet that address`);
  await ctx?.milestone('node-restarted', { node, ...(asked ? { from: asked } : {}), ...(back.address ? { to: back.address } : {}), why: back.restarted });
  if (!back.address) return waitReady(env.client, [node], env.timeouts.readyMs);
  await observe(
    env.client,
    { apiVersion: 'v1', kind: 'Node' },
    (all) => {
      const current = all.find((n) => n.metadata.name === node);
      return current && conditionTrue(current, 'Ready') && internalIp(current) === back.address ? true : undefined;
    },
    { timeoutMs: env.timeouts.readyMs, what: `node ${node} to be Ready again at ${back.address} after its restart` },
  );
}

// Undoes a node fault from its data alone, whether or not its completion had run (the
// background work is stopped first by the handle); every part is idempotent. `ctx`, when
// the run is still on, journals what the revert had to do beyond the undo (a node restarted).
export async function healNodes(env: NodeFaultEnv, data: NodeFaultData, ctx?: Milestones): Promise<void> {
  switch (data.mechanism) {
    case 'crash':
      for (const node of data.nodes) await startNode(env, data, node);
      // A deleted Node comes back when its kubelet registers again; then the taint can go, and
      // what the deletion lost and the kubelet does not set is put back from the record.
      await waitReady(env.client, data.nodes, env.timeouts.readyMs);
      for (const node of data.nodes) {
        await setTaint(env.client, node, OUT_OF_SERVICE_TAINT, false);
        const saved = data.registrations?.[node];
        const restored = saved ? await restoreRegistration(env.client, node, saved) : [];
        if (restored.length) env.log(`${node} registered again without ${restored.join(', ')}: put back`);
      }
      return;
    case 'freeze':
      for (const node of data.nodes) await env.kind.unpause(node);
      return;
    case 'isolate':
      for (const node of data.nodes) await reconnectNode(env, data, node, ctx);
      return;
    case 'drain':
      for (const node of data.nodes) await setUnschedulable(env.client, node, false);
      return;
    case 'etcd-stop':
      for (const node of data.nodes) await env.kind.exec(node, START_ETCD);
      // Without quorum the API server answered nothing: healed is when it answers again.
      await waitApiAnswers(env.client, env.timeouts.readyMs);
      await waitReady(env.client, data.nodes, env.timeouts.readyMs);
  }
}
