import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resolveFromScenario } from './package-root.js';
import type { Scenario } from './schema/index.js';

export interface KnownNames {
  zones: string[];
  nodes: string[];
  source: string;
}

// Zone and node names a fault may name, when the target tells them before anything runs.
// Kubernetes learns them from the API at run time, so there is nothing to check here.
export function knownNames(scenario: Pick<Scenario, "target">, scenarioFile: string): KnownNames | { error: string } | undefined {
  const target = scenario.target;
  if (target.backend === 'fake') {
    return { zones: target.zones, nodes: target.zones.map((z) => `${z}-1`), source: 'target.zones' };
  }
  if (target.backend !== 'local') return undefined;
  const file = resolveFromScenario(scenarioFile, target.topology, existsSync);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { error: `Cannot read the topology file ${file} (looked beside the scenario, then in the kdrill package): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message.split('\n')[0]}` };
  }
  const zones = (doc as { zones?: unknown })?.zones;
  if (!Array.isArray(zones)) return { error: `Expected the topology file ${file} to have a list \`zones\`` };
  const names: KnownNames = { zones: [], nodes: [], source: file };
  for (const zone of zones as { name?: unknown; nodes?: unknown }[]) {
    if (typeof zone?.name !== 'string') continue;
    names.zones.push(zone.name);
    const count = typeof zone.nodes === 'number' ? zone.nodes : 1;
    for (let i = 1; i <= count; i++) names.nodes.push(`${zone.name}-${i}`);
  }
  return names;
}
