import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ScenarioError, UsageError } from '../../common/errors.js';
import { parseYamlAs } from '../../scenario/load.js';
import { YamlSource } from '../../scenario/yaml-source.js';

const zoneName = z.string().regex(/^[a-z][a-z0-9]{0,7}$/).meta({ expected: 'a short zone name of lowercase letters and digits, like "a"' });

// A local topology: zones and how many nodes each holds. Node names are <zone>-<n>.
export const topologyFileSchema = z.strictObject({
  apiVersion: z.literal('kdrill.dev/v1alpha1'),
  kind: z.literal('Topology'),
  zones: z
    .array(z.strictObject({ name: zoneName, nodes: z.number().int().min(1).max(5).default(1) }))
    .min(1)
    .max(5)
    .refine((zones) => new Set(zones.map((z) => z.name)).size === zones.length, 'zone names must be unique'),
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

// @throws ScenarioError with file:line:column for a malformed topology file.
export async function loadTopologyFile(file: string): Promise<TopologyFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the topology file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const parsed = parseYamlAs(new YamlSource(text), file, topologyFileSchema, 'a kdrill topology (apiVersion, kind: Topology, zones)');
  if (!parsed.ok) throw new ScenarioError(parsed.issues);
  return parsed.value;
}
