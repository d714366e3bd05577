import { existsSync } from 'node:fs';
import path from 'node:path';

// Reference files the tests read but the repository does not ship (other projects' schemas,
// under their own licences). One setting: KDRILL_SCHEMAS, a directory holding
// chaos-mesh-v2.8.3/ (and csi-snapshots/), by default ../shared/schemas beside the checkout.
// A test needing a directory that is absent is skipped, with this module's reason in its name.
export const DEFAULT_SCHEMAS = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'schemas');

// The schema directory's subdirectory `name`, or why there is none.
export function schemaDir(name: string, env: NodeJS.ProcessEnv = process.env): { dir: string; unavailable?: undefined } | { dir?: undefined; unavailable: string } {
  const setting = env['KDRILL_SCHEMAS'];
  const root = setting ? path.resolve(setting) : DEFAULT_SCHEMAS;
  const dir = path.join(root, name);
  if (existsSync(dir)) return { dir };
  const where = setting ? `KDRILL_SCHEMAS=${setting}` : `the default ${DEFAULT_SCHEMAS}, KDRILL_SCHEMAS unset`;
  return { unavailable: `no ${name}/ in ${where}` };
}

const chaosMesh = schemaDir('chaos-mesh-v2.8.3');

// Chaos Mesh v2.8.3's CRDs (the YAML files of its release), or undefined.
export const CHAOS_MESH_SCHEMAS: string | undefined = chaosMesh.dir;

// Why the Chaos Mesh CRDs are absent, or undefined when they are there.
export const chaosMeshUnavailable: string | undefined = chaosMesh.unavailable;

// A test or describe name with the skip reason appended, as `(skipped: …)`, when there is one.
export const unlessSkipped = (name: string, unavailable: string | undefined): string => (unavailable ? `${name} (skipped: ${unavailable})` : name);
