import type { Scenario } from './schema/index.js';
import { nodesOf, type TopologyFile } from './topology.js';

export interface KnownNames {
  zones: string[];
  nodes: string[];
  source: string;
}

// Zone and node names a fault may name, when the target tells them before anything runs: the
// fake backend's zones, or the local topology the loader has read and checked. Kubernetes
// learns them from the API at run time, so there is nothing to check here.
export function knownNames(target: Scenario['target'], topology: { file: string; value: TopologyFile } | undefined): KnownNames | undefined {
  if (target.backend === 'fake') {
    return { zones: target.zones, nodes: target.zones.map((z) => `${z}-1`), source: 'target.zones' };
  }
  if (target.backend !== 'local' || !topology) return undefined;
  return { zones: topology.value.zones.map((z) => z.name), nodes: nodesOf(topology.value).map((n) => n.name), source: topology.file };
}
