import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { formatDuration } from '../../../common/duration.js';
import type { FaultParams, FaultType } from '../../../faults/types.js';
import type { Journal } from '../../../engine/journal.js';
import type { Topology } from '../../types.js';
import type { KubeClient } from '../client/kube-client.js';
import { nodeArgv, runCommand } from '../nodes/commands.js';
import type { KindNodeOps } from '../nodes/kind-nodes.js';
import { drainNode, OUT_OF_SERVICE_TAINT, setTaint, setUnschedulable, waitApiAnswers, waitNotReady, waitReady } from '../nodes/node-api.js';
import type { KubernetesTarget } from '../target.js';
import { nodesOfZone, selectNode, selectZone } from './select.js';
import { START_ETCD, STOP_ETCD } from '../etcd/static-pods.js';

export type NodeMechanism = 'crash' | 'freeze' | 'isolate' | 'drain' | 'etcd-stop';
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

const oneNode = (mechanism: NodeMechanism): NodeFaultKind => ({ mechanism, nodes: (params, topology) => [selectNode(topology, params.node ?? 'primary').name] });


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
  ['etcd-member-kill', { mechanism: 'etcd-stop', nodes: (params, topology) => etcdNodes(topology, params.node).slice(0, 1) }],
  [
    'etcd-quorum-loss',
    {
      mechanism: 'etcd-stop',
      nodes: (params, topology) => {
        const all = etcdNodes(topology, 'primary');
        const count = typeof params.members === 'number' ? params.members : Math.floor(all.length / 2) + 1;
        if (count > all.length) throw new KdrillError(ErrorCode.STEP_FAILED, `etcd-quorum-loss of ${count} members, but the cluster has ${all.length}`);
        return all.slice(0, count);
      },
    },
  ],
  ['node-crash', oneNode('crash')],
  ['node-freeze', oneNode('freeze')],
  ['node-isolation', oneNode('isolate')],
  ['node-drain', oneNode('drain')],
  ['zone-outage', { mechanism: 'crash', nodes: (params, topology) => nodesOfZone(topology, selectZone(topology, params.zone ?? 'primary')).map((n) => n.name) }],
]);

// Why a node fault cannot run on this target, or undefined. Checked at validation.
export function refuseNodeFault(type: FaultType, target: KubernetesTarget): string | undefined {
  const kind = NODE_FAULTS.get(type);
  if (!kind || target.provider === 'kind') return undefined;
  if (kind.mechanism === 'crash' && !target.nodeCommands) {
    return `${type} stops nodes: on provider "generic" it needs \`target.nodeCommands\` (the stop and start commands of your cloud), or provider "kind"`;
  }
  if (kind.mechanism === 'freeze' || kind.mechanism === 'isolate') return `${type} acts on kind's node containers: it needs provider "kind"`;
  if (kind.mechanism === 'etcd-stop') return `${type} stops etcd's static pod on kind's control-plane nodes: it needs provider "kind" (a managed control plane's etcd is out of reach)`;
  return undefined;
}

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

// After a crash: once the nodes read not Ready and the pods were given `podEvictionTimeout`
// to be evicted the slow way, release them the way a cloud would. Journalled, for the report.
async function completeFailure(env: NodeFaultEnv, data: NodeFaultData, evictionMs: number, journal: Journal, signal: AbortSignal): Promise<void> {
  if (data.completion === 'none') return;
  const began = performance.now();
  await waitNotReady(env.client, data.nodes, env.timeouts.notReadyMs, signal);
  const notReadyMs = performance.now() - began;
  let stuck = await podsOn(env, data);
  const until = performance.now() + evictionMs;
  while (stuck.length && performance.now() < until) {
    await sleep(Math.min(2_000, until - performance.now()), undefined, { signal });
    stuck = await podsOn(env, data);
  }
  if (stuck.length === 0) {
    await journal.append({ kind: 'observation', at: 0, probe: 'node-failure-completion', ok: true, value: { path: 'evicted', nodes: data.nodes, notReadyMs } });
    return;
  }
  for (const node of data.nodes) {
    if (data.completion === 'out-of-service-taint') await setTaint(env.client, node, OUT_OF_SERVICE_TAINT, true);
    else await env.client.delete({ apiVersion: 'v1', kind: 'Node', name: node });
  }
  env.log(`${data.completion === 'out-of-service-taint' ? 'tainted' : 'deleted'} ${data.nodes.join(', ')} after ${formatDuration(performance.now() - began)} (not Ready after ${formatDuration(notReadyMs)}); pods released: ${stuck.join(', ')}`);
  await journal.append({ kind: 'observation', at: 0, probe: 'node-failure-completion', ok: true, value: { path: data.completion, nodes: data.nodes, pods: stuck, notReadyMs, completedMs: performance.now() - began } });
}

export async function harmNodes(env: NodeFaultEnv, data: NodeFaultData, options: { evictionMs: number; journal: Journal; signal: AbortSignal }): Promise<void> {
  switch (data.mechanism) {
    case 'crash':
      for (const node of data.nodes) await stopNode(env, data, node);
      await completeFailure(env, data, options.evictionMs, options.journal, options.signal);
      return;
    case 'freeze':
      for (const node of data.nodes) await env.kind.pause(node);
      return;
    case 'isolate':
      for (const node of data.nodes) await env.kind.disconnect(node);
      return;
    case 'drain':
      for (const node of data.nodes) await drainNode(env.client, node, { timeoutMs: env.timeouts.drainMs, signal: options.signal, log: env.log });
      return;
    case 'etcd-stop':
      for (const node of data.nodes) await env.kind.exec(node, STOP_ETCD);
  }
}

// Undoes a node fault from its data alone; every part is idempotent.
export async function healNodes(env: NodeFaultEnv, data: NodeFaultData): Promise<void> {
  switch (data.mechanism) {
    case 'crash':
      for (const node of data.nodes) await startNode(env, data, node);
      // A deleted Node comes back when its kubelet registers again; then the taint can go.
      await waitReady(env.client, data.nodes, env.timeouts.readyMs);
      for (const node of data.nodes) await setTaint(env.client, node, OUT_OF_SERVICE_TAINT, false);
      return;
    case 'freeze':
      for (const node of data.nodes) await env.kind.unpause(node);
      return;
    case 'isolate':
      for (const node of data.nodes) await env.kind.connect(node, data.addresses[node]);
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
