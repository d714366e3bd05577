import type { PartitionRule } from '../cluster/handle.js';
import type { LocalFault } from './types.js';
import { rulePriority, selectZone } from './select.js';

type Rules = { rules: PartitionRule[]; zones: string[] };

// Router rules that blackhole traffic between the given zone pairs, both ways. The record
// holds zone names and the rule priority; the cluster maps zones to subnets.
const partition = (type: LocalFault['type'], pairs: (params: Record<string, unknown>, zones: string[], topology: Parameters<LocalFault['resolve']>[1]) => [string, string][]): LocalFault<Rules> => ({
  type,
  resolve: (params, topology) => {
    const zoneNames = topology.zones.map((z) => z.name);
    const chosen = pairs(params, zoneNames, topology);
    const rules = chosen.flatMap(([a, b]) => [
      { from: a, to: b, priority: 0 },
      { from: b, to: a, priority: 0 },
    ]);
    return { targets: [...new Set(chosen.flat())], data: { rules, zones: [...new Set(chosen.flat())] } };
  },
  arm: (data, faultId) => ({ ...data, rules: data.rules.map((r) => ({ ...r, priority: rulePriority(faultId) })) }),
  harm: async (cluster, data) => {
    for (const rule of subnetRules(cluster, data.rules)) await cluster.addPartitionRule(rule);
  },
  heal: async (cluster, data) => {
    for (const rule of subnetRules(cluster, data.rules)) await cluster.removePartitionRule(rule);
  },
});

// Rules are persisted by zone name; the cluster knows each zone's subnet.
function subnetRules(cluster: import('../cluster/handle.js').LocalCluster, rules: readonly PartitionRule[]): PartitionRule[] {
  const subnet = (zone: string) => {
    const z = cluster.plan.zones.find((x) => x.name === zone);
    if (!z) throw new Error(`no zone ${zone} in cluster ${cluster.state.clusterId}`);
    return z.subnet;
  };
  return rules.map((r) => ({ from: subnet(r.from), to: subnet(r.to), priority: r.priority }));
}

// The zone is cut off from every other zone; it stays up inside, and clients outside the
// zones (HAProxy, the harness) still reach every zone.
export const zonePartition = partition('zone-partition', (params, zones, topology) => {
  const zone = selectZone(topology, params['zone']);
  return zones.filter((z) => z !== zone).map((other) => [zone, other]);
});

// Only the two named zones lose each other.
export const zonePairPartition = partition('zone-pair-partition', (params) => {
  const [a, b] = (params['zones'] as [string, string] | undefined) ?? [];
  return [[String(a), String(b)]];
});
