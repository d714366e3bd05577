import { BACKENDS } from '../backends/api.js';
import { formatDuration } from '../model/duration.js';
import { describeValue } from '../common/errors.js';
import { didYouMean } from '../common/suggest.js';
import { ROLE_SELECTORS } from '../faults/selectors.js';
import { abortSchema } from './schema/abort.js';
import { loadSchema } from './schema/load.js';
import type { Scenario } from './schema/index.js';
import { stepSchema } from './schema/steps.js';
import { targetSchema } from './schema/target.js';
import { workloadSchema } from './schema/workload.js';
import { steadyStateSchema } from './schema/steady-state.js';
import { verificationSchema } from './schema/verifications.js';
import { z } from 'zod';
import type { ActionStep, FaultStep } from './schema/steps.js';
import { stepKind } from './schema/index.js';
import type { ResolvedTargets } from './plan-types.js';
import type { KnownNames } from './topology-names.js';
import type { PathIssue } from './zod-issues.js';
import { formatPath } from './yaml-source.js';

// The sections the cross-field checks read. A section that failed the schema is absent, and a
// step that failed it is a hole, so the checks still run on everything else of a broken file
// and all its problems are reported at once.
export interface CheckableScenario {
  target: Scenario['target'];
  workload?: Scenario['workload'] | undefined;
  load?: Scenario['load'] | undefined;
  steps: readonly (Scenario['steps'][number] | undefined)[];
  steadyState?: Scenario['steadyState'] | undefined;
  verifications?: Scenario['verifications'] | undefined;
  abort?: Scenario['abort'] | undefined;
}

// Checks that need the whole scenario: backend capabilities, names that must exist or be unique,
// ordering, and the safety allow-lists.
// `known` holds the zone and node names of the target, when they are known before the run.
export function validateScenario(scenario: CheckableScenario, known: KnownNames | undefined): PathIssue[] {
  const issues: PathIssue[] = [];
  checkWorkload(scenario, issues);
  checkTargetAllowLists(scenario, issues);
  checkLoad(scenario, issues);
  checkSteps(scenario, known, issues);
  checkAbortBudget(scenario, issues);
  checkProbes(scenario, issues);
  checkVerifications(scenario, issues);
  return issues;
}

// What a valid scenario will not be able to show, said before it runs: warnings, not errors
// (the scenario still loads and the exit code is unchanged).
export function warnScenario(scenario: Scenario, targets: ResolvedTargets): PathIssue[] {
  const issues: PathIssue[] = [];
  warnUnmeasurableTargets(scenario, targets, issues);
  return issues;
}

// The checkable parts of a document that failed the schema, parsed section by section.
export function checkablePart(raw: unknown): CheckableScenario | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const doc = raw as Record<string, unknown>;
  const target = targetSchema.safeParse(doc['target']);
  if (!target.success) return undefined;
  const part = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, value: unknown) => {
    const r = schema.safeParse(value ?? {});
    return r.success ? r.data : undefined;
  };
  return {
    target: target.data,
    workload: part(workloadSchema, doc['workload']),
    load: part(loadSchema, doc['load']),
    steps: Array.isArray(doc['steps']) ? doc['steps'].map((step) => part(stepSchema, step)) : [],
    steadyState: part(steadyStateSchema, doc['steadyState']),
    verifications: part(z.array(verificationSchema), doc['verifications'] ?? []),
    abort: part(abortSchema, doc['abort']),
  };
}

function checkWorkload(scenario: CheckableScenario, issues: PathIssue[]): void {
  if (scenario.workload?.type === 'mongodb') {
    issues.push({ path: ['workload', 'type'], message: 'Expected `workload.type` to be "postgresql", got `"mongodb"` (string): MongoDB workloads are planned but not supported yet' });
  }
}

function checkTargetAllowLists(scenario: CheckableScenario, issues: PathIssue[]): void {
  const target = scenario.target;
  if (target.backend !== 'kubernetes') return;
  if (!target.allowedContexts.includes(target.context)) {
    issues.push({ path: ['target', 'context'], message: `Expected \`target.context\` to be one of the allowed contexts (${target.allowedContexts.join(', ')}), got ${describeValue(target.context)}: kdrill refuses a context the scenario does not allow` });
  }
  if (!target.allowedNamespaces.includes(target.namespace)) {
    issues.push({ path: ['target', 'namespace'], message: `Expected \`target.namespace\` to be one of the allowed namespaces (${target.allowedNamespaces.join(', ')}), got ${describeValue(target.namespace)}: kdrill refuses a namespace the scenario does not allow` });
  }
}

function checkLoad(scenario: CheckableScenario, issues: PathIssue[]): void {
  const load = scenario.load;
  if (!load) return;
  if (load.driver === 'k6' && !load.script) {
    issues.push({ path: ['load'], message: 'Expected `load.script` to be set to a k6 script when `load.driver` is "k6", got nothing' });
  }
  if (load.driver !== 'k6' && load.script) {
    issues.push({ path: ['load', 'script'], key: true, message: `Expected \`load.script\` only with \`load.driver: k6\`, got it with driver "${load.driver}"` });
  }
  if (load.runIn === 'cluster') {
    if (scenario.target.backend !== 'kubernetes') {
      issues.push({ path: ['load', 'runIn'], message: `Expected \`load.runIn: cluster\` only with \`target.backend: kubernetes\`, got backend "${scenario.target.backend}"` });
    } else if (load.driver !== 'ledger' && load.driver !== 'k6') {
      issues.push({ path: ['load', 'runIn'], message: `Expected \`load.runIn: cluster\` with driver "ledger" or "k6", got driver "${load.driver}"` });
    }
  }
}

function checkSteps(scenario: CheckableScenario, known: KnownNames | undefined, issues: PathIssue[]): void {
  const backend = BACKENDS.get(scenario.target.backend);
  const seenNames = new Map<string, number>();
  const faultNames = new Set<string>();
  let lastAt = -1;
  let lastAtIndex = -1;

  let faultsSoFar = 0;
  let clusterLost = false;
  scenario.steps.forEach((step, index) => {
    if (!step) return;
    const at = ['steps', index] as const;
    const kind = stepKind(step);
    if (kind === 'fault') faultsSoFar++;
    if (step.name !== undefined) {
      const earlier = seenNames.get(step.name);
      if (earlier !== undefined) {
        issues.push({ path: [...at, 'name'], message: `Expected \`steps[${index}].name\` to be unique, got ${describeValue(step.name)}, already used by steps[${earlier}]` });
      } else {
        seenNames.set(step.name, index);
      }
    }
    if (step.at !== undefined) {
      if (step.at < lastAt) {
        issues.push({ path: [...at, 'at'], message: `Expected \`steps[${index}].at\` to be no earlier than steps[${lastAtIndex}].at (${formatDuration(lastAt)}), got ${formatDuration(step.at)}: steps run in the order written` });
      }
      lastAt = step.at;
      lastAtIndex = index;
    }
    if (kind === 'fault') {
      const fault = (step as FaultStep).fault;
      if (backend && !backend.faults.has(fault)) {
        const supported = [...backend.faults].join(', ');
        issues.push({ path: [...at, 'fault'], message: `Fault \`${fault}\` at \`steps[${index}].fault\` is not supported by the ${backend.kind} backend; it supports: ${supported}` });
      } else {
        const refusal = backend?.refuse?.(fault, scenario.target);
        if (refusal) issues.push({ path: [...at, 'fault'], message: `Fault \`${fault}\` at \`steps[${index}].fault\` cannot run here: ${refusal}` });
      }
      if (known) checkNamesInParams(step as unknown as Record<string, unknown>, index, known, issues);
      if (step.name) faultNames.add(step.name);
      if (fault === 'cluster-loss') clusterLost = true;
    }
    if (kind === 'action') {
      const action = (step as ActionStep).action;
      if (backend && !backend.actions.has(action)) {
        issues.push({ path: [...at, 'action'], message: `Action \`${action}\` at \`steps[${index}].action\` is not supported by the ${backend.kind} backend; it supports: ${[...backend.actions].join(', ')}` });
      } else {
        const refusal = backend?.refuseAction?.(action, scenario.target);
        if (refusal) issues.push({ path: [...at, 'action'], message: `Action \`${action}\` at \`steps[${index}].action\` cannot run here: ${refusal}` });
      }
      if (action === 'restore') checkRestore(step as unknown as Record<string, unknown>, index, faultsSoFar, clusterLost, issues);
    }
    const revert = kind === 'revert' ? (step as { revert: string }).revert : undefined;
    if (revert !== undefined && !faultNames.has(revert)) {
      const suggestion = didYouMean(revert, [...faultNames]);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
      const known = faultNames.size ? ` (earlier fault steps: ${[...faultNames].join(', ')})` : ' (there is no named fault step before it)';
      issues.push({ path: [...at, 'revert'], message: `Expected \`steps[${index}].revert\` to name an earlier fault step${known}, got ${describeValue(revert)}${hint}` });
    }
  });
}

function checkNamesInParams(step: Record<string, unknown>, index: number, known: KnownNames, issues: PathIssue[]): void {
  const check = (value: unknown, pool: string[], what: 'node' | 'zone', path: (string | number)[]) => {
    if (typeof value !== 'string' || pool.includes(value)) return;
    // A zone is chosen by the primary it holds; a node by either role.
    const roles: readonly string[] = what === 'zone' ? ['primary'] : ROLE_SELECTORS;
    if (roles.includes(value)) return;
    const suggestion = didYouMean(value, pool);
    const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
    const roleText = roles.map((r) => `"${r}"`).join(' or ');
    issues.push({ path, message: `Expected \`${formatPath(path)}\` to be a ${what} of the topology (${pool.join(', ')}) or ${roleText}, got ${describeValue(value)}${hint}` });
  };
  check(step['node'], known.nodes, 'node', ['steps', index, 'node']);
  check(step['zone'], known.zones, 'zone', ['steps', index, 'zone']);
  if (Array.isArray(step['zones'])) {
    step['zones'].forEach((zone, i) => check(zone, known.zones, 'zone', ['steps', index, 'zones', i]));
  }
}

function checkRestore(step: Record<string, unknown>, index: number, faultsBefore: number, clusterLost: boolean, issues: PathIssue[]): void {
  // A fresh cluster replaces the one the scenario runs on: only once that one is gone.
  if (step['into'] === 'fresh-cluster' && !clusterLost) {
    issues.push({ path: ['steps', index, 'into'], message: `Expected a cluster-loss fault step before steps[${index}] when \`steps[${index}].into\` is "fresh-cluster" (it replaces the lost cluster), got none: inject cluster-loss first, or restore into "scratch-instance" beside the running cluster` });
  }
  if (step['pointInTime'] === 'before-fault' && faultsBefore === 0) {
    issues.push({ path: ['steps', index, 'pointInTime'], message: `Expected a fault step before steps[${index}] when \`steps[${index}].pointInTime\` is "before-fault", got none: name a timestamp instead, or inject the fault first` });
  }
  if (step['from'] === 'point-in-time' && step['pointInTime'] === undefined) {
    issues.push({ path: ['steps', index], message: `Expected \`steps[${index}].pointInTime\` to be "before-fault" or an ISO 8601 timestamp when \`from\` is "point-in-time", got nothing` });
  }
  if (step['from'] !== 'point-in-time' && step['pointInTime'] !== undefined) {
    issues.push({ path: ['steps', index, 'pointInTime'], key: true, message: `Expected \`steps[${index}].pointInTime\` only with \`from: point-in-time\`, got it with from "${String(step['from'])}"` });
  }
}

// The drill is stopped after abort.maxDuration, counted from its start: warm-up included. A step
// whose `at` lies beyond it could never run.
function checkAbortBudget(scenario: CheckableScenario, issues: PathIssue[]): void {
  const limit = scenario.abort?.maxDuration;
  if (limit === undefined) return;
  const warmUp = scenario.load?.warmUp ?? 0;
  let lastAt: { index: number; at: number } | undefined;
  scenario.steps.forEach((step, index) => {
    if (step?.at !== undefined && (!lastAt || step.at >= lastAt.at)) lastAt = { index, at: step.at };
  });
  const needed = warmUp + (lastAt?.at ?? 0);
  if (needed >= limit) {
    const parts = [`the warm-up (${formatDuration(warmUp)})`, ...(lastAt ? [`steps[${lastAt.index}].at (${formatDuration(lastAt.at)})`] : [])];
    issues.push({
      path: ['abort', 'maxDuration'],
      message: `Expected \`abort.maxDuration\` to be longer than ${parts.join(' plus ')}, ${formatDuration(needed)} in all, got ${formatDuration(limit)}: the drill would be stopped before its ${lastAt ? `step steps[${lastAt.index}]` : 'first step'} began`,
    });
  }
}

// A probe option that only one probe reads is a mistake anywhere else.
const PROBE_ONLY_OPTIONS = { maxLag: 'replication-lag', replicas: 'redundancy' } as const;

function checkProbes(scenario: CheckableScenario, issues: PathIssue[]): void {
  for (const phase of ['before', 'after'] as const) {
    scenario.steadyState?.[phase].forEach((check, index) => {
      for (const [option, probe] of Object.entries(PROBE_ONLY_OPTIONS)) {
        if (check[option as keyof typeof check] !== undefined && check.probe !== probe) {
          const path = ['steadyState', phase, index, option];
          issues.push({ path, key: true, message: `Expected \`${formatPath(path)}\` only with \`probe: ${probe}\`, got it with probe "${check.probe}"` });
        }
      }
    });
  }
}

// Verifiers that read the ledger need the ledger driver to have written one.
const NEEDS_LEDGER = ['ledger-readback'] as const;

function checkVerifications(scenario: CheckableScenario, issues: PathIssue[]): void {
  const driver = scenario.load?.driver;
  if (!driver || driver === 'ledger') return;
  if (scenario.abort?.dataLoss) {
    issues.push({
      path: ['abort', 'dataLoss'],
      message: `Expected \`abort.dataLoss\` to be false, got true: \`load.driver\` is "${driver}", so there is no ledger in which to notice a lost write`,
    });
  }
  scenario.verifications?.forEach((v, index) => {
    if ((NEEDS_LEDGER as readonly string[]).includes(v.verify)) {
      issues.push({
        path: ['verifications', index, 'verify'],
        message: `Expected \`verifications[${index}].verify\` to be a check this drill can run, got ${describeValue(v.verify)}: \`load.driver\` is "${driver}", so there is no ledger to read back`,
      });
    }
  });
}

// Without the ledger driver no write is tracked by id: RTO comes from the write probe alone, and
// RPO and lost writes cannot be measured, so the tier's targets for them cannot be met.
function warnUnmeasurableTargets(scenario: Scenario, targets: ResolvedTargets, issues: PathIssue[]): void {
  const driver = scenario.load.driver;
  if (driver === 'ledger') return;
  const why = driver === 'none' ? '"none", so only the write probe writes' : `"${driver}", which keeps no per-write ledger`;
  const resolution = `\`steadyState.interval\`, ${formatDuration(scenario.steadyState.interval)}`;
  const unmeasured = [`RPO ≤ ${formatDuration(targets.rpoMs)}`, ...(targets.maxLostWrites !== undefined ? [`lost writes ≤ ${targets.maxLostWrites}`] : [])];
  issues.push({
    path: ['load', 'driver'],
    message:
      `\`load.driver\` is ${why}: this drill can measure RTO only from the write probe, to its interval's resolution (${resolution}), ` +
      `and cannot measure RPO or lost writes, so the ${targets.tier} target${unmeasured.length > 1 ? 's' : ''} ${unmeasured.join(' and ')} will be reported "not measured", which fails the drill; ` +
      'use `load.driver: ledger` to measure them',
  });
}
