import { z } from 'zod';

const zoneName = z.string().regex(/^[a-z][a-z0-9]{0,7}$/).meta({ expected: 'a short zone name of lowercase letters and digits, like "a"' });

export const MAX_ZONES = 5;
export const MAX_NODES_PER_ZONE = 5;

// A local topology: zones and how many nodes each holds. Node names are <zone>-<n>. Checked
// when a scenario is validated, so `validate`, `plan` and `--dry-run` refuse what `run` would.
export const topologyFileSchema = z.strictObject({
  apiVersion: z.literal('kdrill.dev/v1alpha1'),
  kind: z.literal('Topology'),
  zones: z
    .array(z.strictObject({ name: zoneName, nodes: z.number().int().min(1).max(MAX_NODES_PER_ZONE).default(1) }))
    .min(1)
    .max(MAX_ZONES)
    .superRefine((zones, ctx) => {
      const seen = new Map<string, number>();
      zones.forEach((zone, index) => {
        const earlier = seen.get(zone.name);
        if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `Expected \`zones[${index}].name\` to be unique, got "${zone.name}", already used by zones[${earlier}]` });
        else seen.set(zone.name, index);
      });
    }),
});
export type TopologyFile = z.infer<typeof topologyFileSchema>;

export interface NodeSpec {
  readonly name: string; // "a-1"
  readonly zone: string;
  readonly zoneIndex: number;
  readonly indexInZone: number; // 1-based
}

// The nodes of a topology, zone by zone.
export function nodesOf(topology: TopologyFile): NodeSpec[] {
  return topology.zones.flatMap((zone, zoneIndex) =>
    Array.from({ length: zone.nodes }, (_, i) => ({ name: `${zone.name}-${i + 1}`, zone: zone.name, zoneIndex, indexInZone: i + 1 })),
  );
}
