import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { revertOnceHandle } from '../../../faults/handle.js';
import type { FaultPlan, Injector } from '../../../faults/types.js';
import type { FaultParams, FaultType, RevertRecord } from '../../../model/fault.js';
import type { Topology } from '../../../model/topology.js';
import type { KubeClient } from '../client/kube-client.js';
import { describeRef, type ObjectRef } from '../client/types.js';
import { objectName, runLabels, runHash } from '../objects/labels.js';
import type { ChaosObject } from '../objects/chaos/types.js';
import { CHAOS_FAULTS, type ChaosContext } from './chaos-faults.js';
import { completionText, healNodes, harmNodes, NODE_FAULTS, refuseNodeFault, withRegistrations, type NodeFaultData, type NodeFaultEnv, type NodeMechanism } from './node-faults.js';
import { startInBackground } from './background.js';
import type { KubernetesTarget } from '../target.js';
import { DEFAULT_CHAOS_TIMEOUTS, injectChaos, removeChaos, type ChaosTimeouts } from './chaos-lifecycle.js';
import { selectedTargets } from './chaos-status.js';

const PLACEHOLDER = 'kdrill-planned';

// Unique per run and fault, stable for the same pair: a retried injection finds its object.
export function chaosName(type: FaultType, runId: string, faultId: string): string {
  return objectName('kdrill', type, faultId, runHash(runId));
}

// The faults this backend injects through Chaos Mesh.
export const CHAOS_FAULT_TYPES: readonly FaultType[] = [...CHAOS_FAULTS.keys()];

// A Chaos Mesh fault resolved against the topology: the whole object, unnamed. Pure.
export function chaosPlan(type: FaultType, params: FaultParams, topology: Topology, ctx: ChaosContext): FaultPlan {
  const build = CHAOS_FAULTS.get(type);
  if (!build) throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, `the kubernetes backend does not inject ${type} through Chaos Mesh`);
  const { targets, object } = build(params, topology, ctx, { name: PLACEHOLDER, namespace: ctx.namespace, labels: {} });
  return { type, params, targets, description: `${type} on ${targets.join(', ')} (${object.kind})`, resolved: { object } };
}

// A node fault resolved against the topology: the nodes and everything its revert needs. Pure.
export function nodePlan(type: FaultType, params: FaultParams, topology: Topology, target: KubernetesTarget, podSelector: string): FaultPlan {
  const kind = NODE_FAULTS.get(type);
  if (!kind) throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, `${type} is not a node fault`);
  const refusal = refuseNodeFault(type, target);
  if (refusal) throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, refusal);
  const nodes = kind.nodes(params, topology);
  const addresses = Object.fromEntries(topology.zones.flatMap((z) => z.nodes).filter((n) => nodes.includes(n.name) && n.address).map((n) => [n.name, n.address!]));
  const data: NodeFaultData = {
    mechanism: kind.mechanism,
    nodes,
    addresses,
    provider: target.provider,
    completion: target.nodeFailureCompletion,
    ...(target.nodeCommands ? { nodeCommands: target.nodeCommands } : {}),
    statefulSet: target.statefulSet,
    namespace: target.namespace,
    podSelector,
  };
  return { type, params, targets: nodes, description: `${type}: ${MECHANISM_TEXT[kind.mechanism]} ${nodes.join(', ')}${completionText(kind.mechanism, target.nodeFailureCompletion)}`, resolved: data };
}

// An Injector for one Chaos Mesh fault: the plan holds the whole object (shown by
// --dry-run); injecting names and labels it with the run and fault, journals its reference,
// creates it, journals t0, waits for Chaos Mesh to report it injected, and journals the
// targets Chaos Mesh selected (milestone chaos-injected).
export function chaosInjector(client: KubeClient, type: FaultType, context: () => ChaosContext, timeouts: ChaosTimeouts = DEFAULT_CHAOS_TIMEOUTS): Injector {
  if (!CHAOS_FAULTS.has(type)) throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, `the kubernetes backend does not inject ${type} through Chaos Mesh`);
  return {
    type,
    plan: (params, topology) => chaosPlan(type, params, topology, context()),
    inject: async (plan, ctx) => {
      const template = plan.resolved?.object as ChaosObject | undefined;
      if (!template) throw new KdrillError(ErrorCode.INTERNAL, `the ${type} plan was not made by the kubernetes backend`);
      const object: ChaosObject = structuredClone(template);
      object.metadata.name = chaosName(type, ctx.runId, ctx.faultId);
      object.metadata.labels = { ...object.metadata.labels, ...runLabels(ctx.runId, ctx.faultId) };
      const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace! };
      const record: RevertRecord = { backend: 'kubernetes', type, faultId: ctx.faultId, runId: ctx.runId, data: { objects: [ref] } };
      await ctx.arm(record);
      ctx.signal.throwIfAborted();
      // t0 is the object created: Chaos Mesh acts on it from then, before it reports AllInjected.
      const { records } = await injectChaos(client, object, { signal: ctx.signal, timeouts, created: () => ctx.effective({ action: 'created', object: describeRef(ref) }) });
      // What Chaos Mesh actually selected (its record ids), which the plan could only predict.
      await ctx.milestone('chaos-injected', { object: describeRef(ref), ...selectedTargets(records) });
      return revertOnceHandle(record, () => removeChaos(client, ref, timeouts.recoverMs));
    },
  };
}

// Reverts a chaos fault from its record alone: deletes each object it names.
export async function revertChaosRecord(client: KubeClient, record: RevertRecord, timeouts: ChaosTimeouts = DEFAULT_CHAOS_TIMEOUTS): Promise<void> {
  const objects = (record.data.objects as ObjectRef[] | undefined) ?? [];
  for (const ref of objects) await removeChaos(client, ref, timeouts.recoverMs);
}

// An Injector for one node fault: the plan names the nodes and how a crashed node's pods
// are released; injecting journals everything the revert needs, harms the nodes (journalling
// t0) and returns, leaving what completes the fault (NotReady, then the taint or the Node
// deleted; a drain's evictions) to its handle, in the background, journalled as milestones.
export function nodeInjector(env: NodeFaultEnv, type: FaultType, target: KubernetesTarget, podSelector: string): Injector {
  if (!NODE_FAULTS.has(type)) throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, `${type} is not a node fault`);
  return {
    type,
    plan: (params, topology) => nodePlan(type, params, topology, target, podSelector),
    inject: async (plan, ctx) => {
      const planned = plan.resolved as NodeFaultData | undefined;
      if (!planned?.mechanism) throw new KdrillError(ErrorCode.INTERNAL, `the ${type} plan was not made by the kubernetes backend`);
      const data = await withRegistrations(env, planned);
      const record: RevertRecord = { backend: 'kubernetes', type, faultId: ctx.faultId, runId: ctx.runId, data };
      await ctx.arm(record);
      ctx.signal.throwIfAborted();
      const completing = await harmNodes(env, data, ctx, { evictionMs: target.podEvictionTimeout ?? 0 });
      const background = completing && startInBackground(ctx, env.log, `${type} of ${data.nodes.join(', ')}: ${data.mechanism === 'drain' ? 'the drain' : 'releasing the pods'}`, completing);
      // The revert stops what is still completing the fault (and waits until it has), then
      // heals from the record, which holds what undoes a completion too.
      return revertOnceHandle(record, async () => {
        await background?.stop();
        await healNodes(env, data, ctx);
      });
    },
  };
}

const MECHANISM_TEXT: Record<NodeMechanism, string> = {
  crash: 'stop',
  freeze: 'pause the node containers of',
  isolate: 'disconnect from the kind network',
  drain: 'cordon and drain',
  'etcd-stop': "stop etcd's static pod on",
};

export function isNodeRecord(record: RevertRecord): boolean {
  return typeof record.data.mechanism === 'string';
}
