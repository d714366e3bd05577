import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ACTIONS } from '../../../harness/actions/api.js';
import { BACKENDS } from '../../../harness/backends/api.js';
import { parseDuration } from '../../../harness/model/duration.js';
import { FAULTS } from '../../../harness/faults/api.js';
import { loadScenarioFile, parseScenario } from '../../../harness/scenario/load.js';
import { scenarioSchema } from '../../../harness/scenario/schema/index.js';
import { defOf } from '../../../harness/scenario/schema-walk.js';

// docs/scenario-language.md is the authors' reference: it must name everything the code accepts,
// and its tables must agree with the registries and the shipped tier policy.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(`${ROOT}docs/scenario-language.md`, 'utf8');

// Every object key and every enum or literal string value reachable from a schema.
function vocabulary(root: z.ZodType): { keys: Set<string>; values: Set<string> } {
  const keys = new Set<string>();
  const values = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (schema: z.ZodType | undefined): void => {
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    const def = defOf(schema) as ReturnType<typeof defOf> & { out?: z.ZodType; rest?: z.ZodType | null };
    for (const [key, inner] of Object.entries(def.shape ?? {})) {
      keys.add(key);
      walk(inner);
    }
    for (const value of Object.values(def.entries ?? {})) if (typeof value === 'string') values.add(value);
    for (const value of def.values ?? []) if (typeof value === 'string') values.add(value);
    for (const inner of [def.innerType, def.in, def.out, def.element, def.valueType, ...(def.options ?? []), ...(def.items ?? [])]) walk(inner);
    if (def.getter) walk(def.getter());
  };
  walk(scenarioSchema);
  return { keys, values };
}

// The cells of the markdown table row that starts with `name` in backticks.
function row(name: string): string[] {
  const line = DOC.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
  if (!line) throw new Error(`docs/scenario-language.md has no table row for \`${name}\``);
  return line.split('|').slice(1, -1).map((cell) => cell.trim());
}

// The first ```yaml block after a heading.
function yamlAfter(heading: string): string {
  const from = DOC.indexOf(heading);
  if (from < 0) throw new Error(`no heading ${heading}`);
  const match = /```yaml\n([\s\S]*?)```/.exec(DOC.slice(from));
  if (!match) throw new Error(`no yaml block after ${heading}`);
  return match[1]!;
}

describe('docs/scenario-language.md', () => {
  const { keys, values } = vocabulary(scenarioSchema);

  it('names every key the scenario schema accepts', () => {
    // As `key`, or as a segment of a dotted path like `patroni.profile`.
    const missing = [...keys].filter((key) => !new RegExp(`\`([\\w]+\\.)*${key}(\\.[\\w]+)*\``).test(DOC));
    expect(missing).toEqual([]);
  });

  it('names every fixed value the scenario schema accepts', () => {
    const missing = [...values].filter((value) => !DOC.includes(`\`${value}\``) && !DOC.includes(`\`${value} `) && !DOC.includes(`: ${value}`));
    expect(missing).toEqual([]);
  });

  describe('fault catalogue', () => {
    it.each([...FAULTS.values()].map((f) => [f.type, f] as const))('documents %s as the code defines it', (type, fault) => {
      const [, summary, parameters, backends] = row(type);
      expect(summary).toBe(fault.summary);
      for (const key of Object.keys(fault.params.shape)) expect(parameters, `parameter ${key}`).toContain(`\`${key}\``);
      if (Object.keys(fault.params.shape).length === 0) expect(parameters).toBe('none');
      const supporting = [...BACKENDS.values()].filter((b) => b.faults.has(type)).map((b) => b.kind);
      expect(backends!.match(/\b(local|kubernetes|fake)\b/g)).toEqual(supporting);
      expect(backends!.includes('not in loopback mode')).toBe(fault.needsNetwork && supporting.includes('local'));
    });
  });

  describe('actions', () => {
    it.each([...ACTIONS.values()].map((a) => [a.type, a] as const))('documents %s as the code defines it', (type, action) => {
      const [, summary, parameters] = row(type);
      expect(summary).toBe(action.summary);
      for (const key of Object.keys(action.params.shape)) expect(parameters, `parameter ${key}`).toContain(`\`${key}\``);
    });

    it('is right that every backend supports every action', () => {
      expect(DOC).toContain('Every backend supports every action.');
      for (const backend of BACKENDS.values()) expect([...backend.actions].sort(), backend.kind).toEqual([...ACTIONS.keys()].sort());
    });
  });

  it('gives the shipped tier policy numbers', () => {
    const policy = parse(readFileSync(`${ROOT}fixtures/tier-policy.yaml`, 'utf8')) as {
      tiers: Record<string, { rpo: string; rto: string; maxLostWrites?: number; retention?: string }>;
      compliance: Record<string, { rpo?: string; rto?: string; maxLostWrites?: number; minRetention?: string; maxRetention?: string; requires?: string[] }>;
    };
    const ms = (cell: string | undefined) => parseDuration((cell ?? '').replace(/^(at most|at least) /, '').replaceAll('`', ''));
    for (const [tier, t] of Object.entries(policy.tiers)) {
      const [, , rpo, rto, lost, retention] = row(tier);
      expect(ms(rpo), `${tier} rpo`).toBe(parseDuration(t.rpo));
      expect(ms(rto), `${tier} rto`).toBe(parseDuration(t.rto));
      expect(lost, `${tier} lost writes`).toBe(t.maxLostWrites === undefined ? 'no bound' : String(t.maxLostWrites));
      expect(ms(retention), `${tier} retention`).toBe(t.retention === undefined ? undefined : parseDuration(t.retention));
    }
    for (const [preset, p] of Object.entries(policy.compliance)) {
      const [, rpo, rto, lost, retention, requires] = row(preset);
      expect(rpo ? ms(rpo) : undefined, `${preset} rpo`).toBe(p.rpo === undefined ? undefined : parseDuration(p.rpo));
      expect(rto ? ms(rto) : undefined, `${preset} rto`).toBe(p.rto === undefined ? undefined : parseDuration(p.rto));
      expect(lost || undefined, `${preset} lost writes`).toBe(p.maxLostWrites === undefined ? undefined : String(p.maxLostWrites));
      const bound = p.minRetention !== undefined ? `at least ${p.minRetention}` : p.maxRetention !== undefined ? `at most ${p.maxRetention}` : '';
      expect(retention!.replaceAll('`', ''), `${preset} retention`).toBe(bound);
      expect(requires!.split(', ').filter(Boolean), `${preset} requires`).toEqual(p.requires ?? []);
    }
  });

  it('has a first example that loads', () => {
    expect(() => parseScenario(yamlAfter('## A first look'), `${ROOT}scenarios/docs-example.yaml`)).not.toThrow();
  });

  it('annotates the shipped tier0 zone failover exactly', async () => {
    const file = `${ROOT}scenarios/semiannual/tier0-zone-failover.yaml`;
    const documented = parseScenario(yamlAfter('## A complete example'), file);
    const shipped = await loadScenarioFile(file);
    expect(documented.scenario).toEqual(shipped.scenario);
  });
});
