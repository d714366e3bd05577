import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { selectZoneOf } from '../../select-zone.js';
import type { Topology, TopologyNode } from '../../../model/topology.js';

const allNodes = (topology: Topology): TopologyNode[] => topology.zones.flatMap((z) => z.nodes);

const roleOf = (node: TopologyNode) => node.members.find((m) => m.kind === 'postgresql')?.role;

// "primary", "replica" or a node name → the node it means right now.
export function selectNode(topology: Topology, selector: unknown): TopologyNode {
  const nodes = allNodes(topology);
  const wanted = String(selector ?? 'primary');
  const found = wanted === 'primary' || wanted === 'replica' ? nodes.find((n) => roleOf(n) === wanted) : nodes.find((n) => n.name === wanted);
  if (!found) {
    const roles = nodes.map((n) => `${n.name}=${roleOf(n) ?? 'unknown'}`).join(', ');
    throw new KdrillError(ErrorCode.STEP_FAILED, `no node is ${wanted === 'primary' || wanted === 'replica' ? `the ${wanted}` : `named ${wanted}`} right now (${roles})`);
  }
  return found;
}

// "primary" or a zone name → the zone's name.
export function selectZone(topology: Topology, selector: unknown): string {
  return selectZoneOf(topology, selector, () => selectNode(topology, 'primary').zone);
}

export function nodesOfZone(topology: Topology, zone: string): string[] {
  return topology.zones.find((z) => z.name === zone)?.nodes.map((n) => n.name) ?? [];
}

export function nodeNames(topology: Topology): string[] {
  return allNodes(topology).map((n) => n.name);
}

// A stable rule priority per fault, so its partition rules can be removed exactly.
export function rulePriority(faultId: string): number {
  let h = 0;
  for (const c of faultId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 10_000 + (h % 20_000);
}
