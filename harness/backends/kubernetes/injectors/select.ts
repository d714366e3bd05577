import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { selectZoneOf } from '../../select-zone.js';
import type { Topology, TopologyNode } from '../../../model/topology.js';

export interface PodPlace {
  readonly pod: string;
  readonly node: string;
  readonly zone: string;
  readonly role: string;
}

// Every PostgreSQL pod with where it runs now.
export function podPlaces(topology: Topology): PodPlace[] {
  return topology.zones.flatMap((z) => z.nodes.flatMap((n) => n.members.filter((m) => m.kind === 'postgresql').map((m) => ({ pod: m.name, node: n.name, zone: z.name, role: m.role }))));
}

// "primary", "replica" or a pod name → the pod it means right now.
export function selectPod(topology: Topology, selector: unknown): PodPlace {
  const wanted = String(selector ?? 'primary');
  const places = podPlaces(topology);
  const found = wanted === 'primary' || wanted === 'replica' ? places.find((p) => p.role === wanted) : places.find((p) => p.pod === wanted);
  if (!found) {
    const roles = places.map((p) => `${p.pod}=${p.role}`).join(', ') || 'no pods scheduled';
    throw new KdrillError(ErrorCode.STEP_FAILED, `no pod is ${wanted === 'primary' || wanted === 'replica' ? `the ${wanted}` : `named ${wanted}`} right now (${roles})`);
  }
  return found;
}

// "primary" or a zone name → the zone's name.
export function selectZone(topology: Topology, selector: unknown): string {
  return selectZoneOf(topology, selector, () => selectPod(topology, 'primary').zone);
}

export function nodesOfZone(topology: Topology, zone: string): readonly TopologyNode[] {
  return topology.zones.find((z) => z.name === zone)?.nodes ?? [];
}

// A node name (or "primary"/"replica": the node of that pod) → the node.
export function selectNode(topology: Topology, selector: unknown): TopologyNode {
  const wanted = String(selector ?? 'primary');
  const nodes = topology.zones.flatMap((z) => z.nodes);
  const name = wanted === 'primary' || wanted === 'replica' ? selectPod(topology, wanted).node : wanted;
  const found = nodes.find((n) => n.name === name);
  if (!found) throw new KdrillError(ErrorCode.STEP_FAILED, `no node named ${wanted} (nodes: ${nodes.map((n) => n.name).join(', ')})`);
  return found;
}
