import { ScenarioError, UsageError, type ScenarioIssue } from '../common/errors.js';
import { InputFileError, readInputFile } from '../common/input-file.js';
import { DEFAULT_TIER_POLICY } from './package-root.js';
import type { ResolvedTargets } from './plan-types.js';
import { readReferencedFile, type FileAccess } from './referenced-file.js';
import { scenarioSchema, type Scenario } from './schema/index.js';
import { resolveTargets, tierPolicySchema, type TierPolicy } from './tier-policy.js';
import { knownNames } from './topology-names.js';
import { topologyFileSchema, type TopologyFile } from './topology.js';
import { checkablePart, validateScenario, warnScenario, type CheckableScenario } from './validate.js';
import { YamlSource } from './yaml-source.js';
import type { PathIssue } from './zod-issues.js';
import { limitIssues, parseYamlAs, placeIssues, sortIssues } from './parse-yaml.js';

export { MAX_REPORTED_PROBLEMS, parseYamlAs } from './parse-yaml.js';

export interface LoadedScenario {
  readonly file: string;
  // Paths the scenario names are resolved: target.topology and load.script hold absolute paths.
  readonly scenario: Scenario;
  readonly policyFile: string;
  readonly targets: ResolvedTargets;
  // What the drill will not be able to show (formatWarning prints them); they do not stop it.
  readonly warnings: readonly ScenarioIssue[];
  // The local topology, read and checked with the scenario.
  readonly topology?: { readonly file: string; readonly value: TopologyFile } | undefined;
  // The k6 script, read (bounded) with the scenario: what a dry run shows and a Job carries.
  readonly k6Script?: { readonly file: string; readonly text: string } | undefined;
}

export interface LoadOptions {
  // Directories besides the scenario's own tree that files it names may come from (--allow-dir).
  readonly allowDirs?: readonly string[];
}


// Keys a scenario may not hold: a scenario chooses targets, never credentials or code.
const REFUSED_KEYS: readonly { path: readonly string[]; message: string }[] = [
  {
    path: ['target', 'kubeconfig'],
    message:
      'Expected no `target.kubeconfig`, got one: a scenario chooses its target, never the credentials to reach it (a kubeconfig can run any program as its credential plugin); pass `--kubeconfig FILE` or set $KUBECONFIG',
  },
];

// Reads and fully validates a scenario file; nothing runs unless this returns.
// @throws ScenarioError with every problem of the file (and of the files it names), each at
// file:line:column; UsageError for a file that is missing, not a regular file or too large.
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  let text: string;
  try {
    text = readInputFile(file, 'scenario');
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(`Cannot read the ${error.reason}`, { cause: error });
    throw error;
  }
  return parseScenario(text, file, options);
}

// The same as loadScenarioFile for text already in memory (tests, stdin).
export function parseScenario(text: string, file: string, options: LoadOptions = {}): LoadedScenario {
  const access: FileAccess = { allowDirs: options.allowDirs ?? [] };
  const source = new YamlSource(text);
  const { data, issues: refused } = withoutRefusedKeys(source.data);
  const refusedIssues = placeIssues(source, file, refused);
  const parsed = parseYamlAs(source, file, scenarioSchema, 'a kdrill scenario (apiVersion, kind, metadata, tier, target, steps…)', data);
  if (!parsed.ok) {
    // Cross-field checks still run on the sections that did parse, so one pass shows everything.
    const part = source.syntaxProblems.length === 0 ? checkablePart(data) : undefined;
    const more: ScenarioIssue[] = [];
    if (part) {
      const topology = readTopology(part, file, source, access);
      more.push(...topology.issues, ...placeIssues(source, file, validateScenario(part, knownNames(part.target, topology.value))));
    }
    throw new ScenarioError(limitIssues(sortIssues([...refusedIssues, ...parsed.issues, ...more])));
  }
  const scenario = parsed.value;
  const issues: ScenarioIssue[] = [...refusedIssues];

  const policy = readTierPolicy(scenario, file, source, access);
  if (!policy.ok) issues.push(...policy.issues);
  const topology = readTopology(scenario, file, source, access);
  issues.push(...topology.issues);
  const k6Script = readK6Script(scenario, file, source, access);
  if (!k6Script.ok) issues.push(...k6Script.issues);

  const resolved = policy.ok ? resolveTargets(policy.value, scenario.tier) : undefined;
  const semantic: PathIssue[] = [
    ...(resolved?.conflicts.map((c) => ({ path: ['tier', 'overrides', c.field], message: c.message })) ?? []),
    ...validateScenario(scenario, knownNames(scenario.target, topology.value)),
  ];
  issues.push(...placeIssues(source, file, semantic));
  if (issues.length > 0) throw new ScenarioError(limitIssues(sortIssues(issues)));
  const targets = resolved!.targets;
  const warnings = limitIssues(sortIssues(placeIssues(source, file, warnScenario(scenario, targets))));
  if (topology.value && scenario.target.backend === 'local') scenario.target.topology = topology.value.file;
  if (k6Script.ok && k6Script.value) scenario.load.script = k6Script.value.file;
  return { file, scenario, policyFile: policy.ok ? policy.file : DEFAULT_TIER_POLICY, targets, warnings, topology: topology.value, k6Script: k6Script.ok ? k6Script.value : undefined };
}

// The document without the keys a scenario may not hold, and a problem for each one present.
function withoutRefusedKeys(data: unknown): { data: unknown; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  let out = data;
  for (const refused of REFUSED_KEYS) {
    const [section, key] = refused.path as [string, string];
    const parent = (out as Record<string, unknown> | null)?.[section];
    if (parent && typeof parent === 'object' && !Array.isArray(parent) && Object.hasOwn(parent, key)) {
      issues.push({ path: [...refused.path], key: true, message: refused.message });
      const { [key]: _dropped, ...rest } = parent as Record<string, unknown>;
      out = { ...(out as Record<string, unknown>), [section]: rest };
    }
  }
  return { data: out, issues };
}

type Read<T> = { ok: true; file: string; value: T } | { ok: false; issues: ScenarioIssue[] };

function readTierPolicy(scenario: Scenario, file: string, source: YamlSource, access: FileAccess): Read<TierPolicy> {
  const at = (message: string): ScenarioIssue[] => [{ file, ...source.locate(['tier', 'policy']), path: 'tier.policy', message }];
  let policyFile = DEFAULT_TIER_POLICY;
  let text: string;
  if (scenario.tier.policy) {
    const read = readReferencedFile(file, scenario.tier.policy, 'tier policy', 'tier.policy', access);
    if (!read.ok) return { ok: false, issues: at(read.message) };
    policyFile = read.file;
    text = read.text;
  } else {
    text = readInputFile(DEFAULT_TIER_POLICY, 'tier policy');
  }
  const policySource = new YamlSource(text);
  if (!isKind(policySource, 'TierPolicy')) return { ok: false, issues: at(notAKdrillFile('tier.policy', policyFile, 'a kdrill tier policy', 'TierPolicy')) };
  const parsed = parseYamlAs(policySource, policyFile, tierPolicySchema, 'a kdrill tier policy (apiVersion, kind: TierPolicy, tiers)');
  return parsed.ok ? { ok: true, file: policyFile, value: parsed.value } : parsed;
}

function readTopology(scenario: Pick<CheckableScenario, 'target'>, file: string, source: YamlSource, access: FileAccess): { value?: { file: string; value: TopologyFile }; issues: ScenarioIssue[] } {
  const target = scenario.target;
  if (target.backend !== 'local') return { issues: [] };
  const at = (message: string): ScenarioIssue[] => [{ file, ...source.locate(['target', 'topology']), path: 'target.topology', message }];
  const read = readReferencedFile(file, target.topology, 'topology', 'target.topology', access);
  if (!read.ok) return { issues: at(read.message) };
  const topologySource = new YamlSource(read.text);
  if (!isKind(topologySource, 'Topology')) return { issues: at(notAKdrillFile('target.topology', read.file, 'a kdrill topology', 'Topology')) };
  const parsed = parseYamlAs(topologySource, read.file, topologyFileSchema, 'a kdrill topology (apiVersion, kind: Topology, zones)');
  return parsed.ok ? { value: { file: read.file, value: parsed.value }, issues: [] } : { issues: parsed.issues };
}

function readK6Script(scenario: Scenario, file: string, source: YamlSource, access: FileAccess): { ok: true; value?: { file: string; text: string } } | { ok: false; issues: ScenarioIssue[] } {
  if (scenario.load.driver !== 'k6' || !scenario.load.script) return { ok: true };
  const read = readReferencedFile(file, scenario.load.script, 'k6 script', 'load.script', access);
  if (!read.ok) return { ok: false, issues: [{ file, ...source.locate(['load', 'script']), path: 'load.script', message: read.message }] };
  return { ok: true, value: { file: read.file, text: read.text } };
}

// A file named as a tier policy or topology is parsed in full only once it says it is one, so
// /etc/passwd named as a policy gives one sentence, not its lines quoted back in messages.
function isKind(source: YamlSource, kind: string): boolean {
  if (source.syntaxProblems.length > 0) return source.syntaxProblems.every((p) => p.message.startsWith('YAML: expected one document')) ? false : looksLikeKdrill(source.text, kind);
  const data = source.data as Record<string, unknown> | null;
  return Boolean(data && typeof data === 'object' && data['kind'] === kind);
}

// A file with syntax errors is reported in full only when its text names the kind.
function looksLikeKdrill(text: string, kind: string): boolean {
  return new RegExp(`^kind:\\s*["']?${kind}["']?\\s*$`, 'm').test(text);
}

function notAKdrillFile(field: string, resolved: string, what: string, kind: string): string {
  return `Expected \`${field}\` to name ${what} (a YAML file with \`kind: ${kind}\`), got ${resolved}, which is not one`;
}
