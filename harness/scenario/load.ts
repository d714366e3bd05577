import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ScenarioError, UsageError, type ScenarioIssue } from '../common/errors.js';
import { DEFAULT_TIER_POLICY, resolveFromScenario } from './package-root.js';
import type { ResolvedTargets } from './plan-types.js';
import { scenarioSchema, type Scenario } from './schema/index.js';
import { resolveTargets, tierPolicySchema, type TierPolicy } from './tier-policy.js';
import { checkablePart, validateScenario, warnScenario } from './validate.js';
import { formatPath, YamlSource } from './yaml-source.js';
import { explainIssues, type PathIssue } from './zod-issues.js';

export interface LoadedScenario {
  readonly file: string;
  readonly scenario: Scenario;
  readonly policyFile: string;
  readonly targets: ResolvedTargets;
  // What the drill will not be able to show (formatWarning prints them); they do not stop it.
  readonly warnings: readonly ScenarioIssue[];
}

// Reads and fully validates a scenario file; nothing runs unless this returns.
// @throws ScenarioError with every problem of the file (and of its tier policy), each at file:line:column.
export async function loadScenarioFile(file: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read scenario file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  return parseScenario(text, file);
}

// The same as loadScenarioFile for text already in memory (tests, stdin).
export function parseScenario(text: string, file: string): LoadedScenario {
  const source = new YamlSource(text);
  const parsed = parseYamlAs(source, file, scenarioSchema, 'a kdrill scenario (apiVersion, kind, metadata, tier, target, steps…)');
  if (!parsed.ok) {
    // Cross-field checks still run on the sections that did parse, so one pass shows everything.
    const part = source.syntaxProblems.length === 0 ? checkablePart(source.data) : undefined;
    const more = part ? placeIssues(source, file, validateScenario(part, file)) : [];
    throw new ScenarioError(sortIssues([...parsed.issues, ...more]));
  }
  const scenario = parsed.value;

  const policyFile = scenario.tier.policy ? resolveFromScenario(file, scenario.tier.policy, existsSync) : DEFAULT_TIER_POLICY;
  const policy = loadTierPolicy(policyFile, file, source);
  const issues: ScenarioIssue[] = [];
  if (!policy.ok) {
    issues.push(...policy.issues);
  }
  const resolved = policy.ok ? resolveTargets(policy.value, scenario.tier) : undefined;
  const semantic: PathIssue[] = [
    ...(resolved?.conflicts.map((c) => ({ path: ['tier', 'overrides', c.field], message: c.message })) ?? []),
    ...validateScenario(scenario, file),
  ];
  issues.push(...placeIssues(source, file, semantic));
  if (issues.length > 0) throw new ScenarioError(sortIssues(issues));
  const targets = resolved!.targets;
  const warnings = sortIssues(placeIssues(source, file, warnScenario(scenario, targets)));
  return { file, scenario, policyFile, targets, warnings };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ScenarioIssue[] };

// YAML text → a value of `schema`, or every problem found, located in the file.
export function parseYamlAs<S extends z.ZodType>(source: YamlSource, file: string, schema: S, what: string): Parsed<z.infer<S>> {
  if (source.syntaxProblems.length > 0) {
    return { ok: false, issues: source.syntaxProblems.map((p) => ({ file, line: p.line, column: p.column, path: '', message: p.message })) };
  }
  if (source.data === null || source.data === undefined) {
    return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: `Expected the file to hold ${what}, got an empty document` }] };
  }
  if (typeof source.data !== 'object' || Array.isArray(source.data)) {
    const got = Array.isArray(source.data) ? 'a list' : `\`${String(source.data).slice(0, 40)}\` (${typeof source.data})`;
    return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: `Expected the file to hold ${what} as a mapping of keys to values, got ${got}` }] };
  }
  const result = schema.safeParse(source.data);
  if (result.success) return { ok: true, value: result.data };
  const explained = explainIssues(schema, source.data, result.error.issues);
  return { ok: false, issues: sortIssues(placeIssues(source, file, explained)) };
}

function placeIssues(source: YamlSource, file: string, issues: readonly PathIssue[]): ScenarioIssue[] {
  return issues.map((issue) => {
    const position = source.locate(issue.path, { key: issue.key ?? false });
    // The same `steps[0].fault` form the messages use; '' for the document itself.
    return { file, ...position, path: issue.path.length ? formatPath(issue.path) : '', message: issue.message };
  });
}

function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const key = `${i.file}:${i.line}:${i.column}:${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function loadTierPolicy(policyFile: string, scenarioFile: string, scenarioSource: YamlSource): Parsed<TierPolicy> {
  let text: string;
  try {
    text = readFileSync(policyFile, 'utf8');
  } catch (error) {
    const at = scenarioSource.locate(['tier', 'policy']);
    const tried = policyFile === DEFAULT_TIER_POLICY ? policyFile : `${policyFile} (looked beside the scenario, then in the kdrill package)`;
    return {
      ok: false,
      issues: [{ file: scenarioFile, ...at, path: 'tier.policy', message: `Cannot read the tier policy file ${tried}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}` }],
    };
  }
  return parseYamlAs(new YamlSource(text), policyFile, tierPolicySchema, 'a kdrill tier policy (apiVersion, kind: TierPolicy, tiers)');
}
