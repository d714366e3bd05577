import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, type LoadedScenario } from '../../../harness/scenario/load.js';
import { compilePlan, formatPlan } from '../../../harness/scenario/plan.js';
import { CADENCES } from '../../../harness/scenario/schema/metadata.js';
import { TIERS } from '../../../harness/scenario/schema/tier.js';

// Every drill shipped under scenarios/ must load, compile and print a plan: users run these as is.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCENARIOS = join(ROOT, 'scenarios');
const SCHEMA_COMMENT = '# yaml-language-server: $schema=../../schema/scenario.schema.json';
// Folders named after a cadence hold only drills of that cadence; other folders group by backend.
const CADENCE_FOLDERS: readonly string[] = CADENCES.filter((c) => c !== 'adhoc');

const files = readdirSync(SCENARIOS, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(SCENARIOS, f))
  .sort();

const loaded = new Map<string, LoadedScenario>();
async function load(file: string): Promise<LoadedScenario> {
  let result = loaded.get(file);
  if (!result) {
    result = await loadScenarioFile(file);
    loaded.set(file, result);
  }
  return result;
}

const name = (file: string) => relative(ROOT, file).split(sep).join('/');

describe('shipped scenarios', () => {
  it('finds the shipped scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(files.map((file) => [name(file), file]))('%s', (_, file) => {
    it('loads and validates', async () => {
      const result = await load(file);
      expect(result.file).toBe(file);
    });

    it('compiles a plan that names the scenario and every step', async () => {
      const result = await load(file);
      const plan = compilePlan(result);
      const text = formatPlan(plan);
      expect(plan.steps.length).toBe(result.scenario.steps.length);
      expect(text).toContain(result.scenario.metadata.name);
      for (const step of plan.steps) expect(text).toMatch(new RegExp(`\\s${step.id}\\s`));
    });

    it('starts with the schema comment and a comment explaining the drill', () => {
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines[0]).toBe(SCHEMA_COMMENT);
      expect(existsSync(join(dirname(file), SCHEMA_COMMENT.split('$schema=')[1]!)), 'the $schema path resolves').toBe(true);
      const firstCode = lines.findIndex((line) => !line.startsWith('#'));
      const explanation = lines.slice(1, firstCode).map((line) => line.replace(/^#\s*/, '')).filter((line) => line !== '');
      expect(explanation.length).toBeGreaterThanOrEqual(2);
    });

    it('has a description and an owner', async () => {
      const { metadata } = (await load(file)).scenario;
      expect(metadata.description?.length ?? 0).toBeGreaterThan(20);
      expect(metadata.owner).toMatch(/^[a-z0-9][a-z0-9@._-]+$/);
    });

    it('sits in the folder of its cadence', async () => {
      const folder = relative(SCENARIOS, file).split(sep)[0]!;
      const { cadence } = (await load(file)).scenario.metadata;
      if (CADENCE_FOLDERS.includes(folder)) expect(cadence).toBe(folder);
      else expect(cadence).not.toBe('adhoc');
    });
  });

  it('gives every scenario a distinct name', async () => {
    const names = await Promise.all(files.map(async (f) => (await load(f)).scenario.metadata.name));
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every cadence', async () => {
    const cadences = new Set(await Promise.all(files.map(async (f) => (await load(f)).scenario.metadata.cadence)));
    for (const cadence of CADENCE_FOLDERS) expect(cadences, `no shipped scenario runs ${cadence}`).toContain(cadence);
  });

  it('covers every tier', async () => {
    const tiers = new Set(await Promise.all(files.map(async (f) => (await load(f)).scenario.tier.name)));
    for (const tier of TIERS) expect(tiers, `no shipped scenario is ${tier}`).toContain(tier);
  });

  it('covers both real backends', async () => {
    const backends = new Set(await Promise.all(files.map(async (f) => (await load(f)).scenario.target.backend)));
    expect([...backends].sort()).toEqual(['kubernetes', 'local']);
  });
});
