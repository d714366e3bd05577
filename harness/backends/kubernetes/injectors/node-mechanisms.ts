import type { FaultType } from '../../../model/fault.js';
import type { KubernetesTarget } from '../target.js';

// How each node fault harms its nodes. Kept apart from the injectors (and the API client they
// load) because validation reads it: `validate` must not load a Kubernetes client.
export type NodeMechanism = 'crash' | 'freeze' | 'isolate' | 'drain' | 'etcd-stop';

export const NODE_MECHANISMS: ReadonlyMap<FaultType, NodeMechanism> = new Map<FaultType, NodeMechanism>([
  ['etcd-member-kill', 'etcd-stop'],
  ['etcd-quorum-loss', 'etcd-stop'],
  ['node-crash', 'crash'],
  ['node-freeze', 'freeze'],
  ['node-isolation', 'isolate'],
  ['node-drain', 'drain'],
  ['zone-outage', 'crash'],
]);

// Why a node fault cannot run on this target, or undefined. Checked at validation.
export function refuseNodeFault(type: FaultType, target: KubernetesTarget): string | undefined {
  const mechanism = NODE_MECHANISMS.get(type);
  if (!mechanism || target.provider === 'kind') return undefined;
  if (mechanism === 'crash' && !target.nodeCommands) {
    return `${type} stops nodes: on provider "generic" it needs \`target.nodeCommands\` (the stop and start commands of your cloud), or provider "kind"`;
  }
  if (mechanism === 'freeze' || mechanism === 'isolate') return `${type} acts on kind's node containers: it needs provider "kind"`;
  if (mechanism === 'etcd-stop') return `${type} stops etcd's static pod on kind's control-plane nodes: it needs provider "kind" (a managed control plane's etcd is out of reach)`;
  return undefined;
}
