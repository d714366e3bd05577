import { fileURLToPath } from 'node:url';
import path from 'node:path';

// The repository (or installed package) root: harness/scenario/ and dist/scenario/ both sit two levels below it.
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_TIER_POLICY = path.join(PACKAGE_ROOT, 'fixtures', 'tier-policy.yaml');

// A path from a scenario: relative to the scenario's folder, else to the package root (shipped fixtures).
export function resolveFromScenario(scenarioFile: string, ref: string, exists: (p: string) => boolean): string {
  if (path.isAbsolute(ref)) return ref;
  const besideScenario = path.resolve(path.dirname(scenarioFile), ref);
  if (exists(besideScenario)) return besideScenario;
  return path.resolve(PACKAGE_ROOT, ref);
}
