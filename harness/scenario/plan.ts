import { faultIdFor } from '../model/fault.js';
import { ACTIONS } from '../actions/api.js';
import { escapeControl } from '../common/control-chars.js';
import { formatDuration } from '../model/duration.js';
import { FAULTS } from '../faults/api.js';
import type { LoadedScenario } from './load.js';
import type { Plan, PlannedStep } from './plan-types.js';
import { stepKind, type Scenario, type Step } from './schema/index.js';
import type { FaultStep } from './schema/steps.js';

// Scenario → Plan: pure data, the same for `kdrill plan`, `--dry-run` and the run journal.
export function compilePlan(loaded: LoadedScenario): Plan {
  const { scenario, file, targets } = loaded;
  const steps = scenario.steps.map((step, index) => planStep(step, index, scenario.steps));
  return {
    scenario: {
      name: scenario.metadata.name,
      file,
      cadence: scenario.metadata.cadence,
      ...(scenario.metadata.description ? { description: scenario.metadata.description } : {}),
    },
    backend: scenario.target.backend,
    targets,
    warmUpMs: scenario.load.warmUp,
    steps,
    schedule: schedule(steps),
    touches: touches(scenario, steps),
    judged: judged(scenario, loaded, steps),
    maxDurationMs: scenario.abort.maxDuration,
    scenarioDoc: scenario,
  };
}

function planStep(step: Step, index: number, all: readonly Step[]): PlannedStep {
  const id = `s${index + 1}`;
  const base = { id, name: step.name ?? id, index, ...(step.at !== undefined ? { atMs: step.at } : {}) };
  const { name: _n, at: _a, ...rest } = step as Step & Record<string, unknown>;
  switch (stepKind(step)) {
    case 'fault': {
      // `duration` and `expect` are the step's; everything else is the fault's own parameters.
      const { fault, duration, expect, ...params } = rest as FaultStep;
      const definition = FAULTS.get(fault)!;
      const lasting = duration !== undefined ? ` for ${formatDuration(duration)}` : ' until the end of the drill';
      const expecting = expect === 'no-impact' ? '; expected: no client impact' : '';
      return {
        ...base,
        kind: 'fault',
        fault: { type: fault, params, ...(duration !== undefined ? { durationMs: duration } : {}), ...(expect !== undefined ? { expect } : {}) },
        description: `${fault}: ${definition.describe(params)}${lasting}${expecting}`,
      };
    }
    case 'wait': {
      const { wait, timeout } = rest as { wait: string; timeout: number };
      return { ...base, kind: 'wait', wait: { condition: wait, timeoutMs: timeout }, description: `wait until ${wait} (at most ${formatDuration(timeout)})` };
    }
    case 'pause': {
      const { pause } = rest as { pause: number };
      return { ...base, kind: 'pause', pause: { ms: pause }, description: `pause ${formatDuration(pause)}` };
    }
    case 'action': {
      const { action, timeout, ...params } = rest as { action: import('../actions/types.js').ActionType; timeout: number } & Record<string, unknown>;
      const definition = ACTIONS.get(action)!;
      return {
        ...base,
        kind: 'action',
        action: { type: action, params, timeoutMs: timeout },
        description: `${action}: ${definition.describe(params)} (at most ${formatDuration(timeout)})`,
      };
    }
    case 'checkpoint': {
      const { checkpoint, timeout, record, rehearsal } = rest as { checkpoint: string; timeout: number; record: string[]; rehearsal: number };
      const unattended = rehearsal > 0 ? `held ${formatDuration(rehearsal)} without a facilitator` : 'not held without a facilitator';
      return {
        ...base,
        kind: 'checkpoint',
        checkpoint: { prompt: checkpoint, timeoutMs: timeout, record, rehearsalMs: rehearsal },
        description: `checkpoint: "${checkpoint}" (records ${record.join(' and ')}; at most ${formatDuration(timeout)}; ${unattended})`,
      };
    }
    case 'revert': {
      const { revert } = rest as { revert: string };
      const target = all.findIndex((s) => s.name === revert);
      return { ...base, kind: 'revert', revert: { stepId: `s${target + 1}` }, description: `revert ${revert} (s${target + 1})` };
    }
  }
}

// Earliest and latest start of each step: waits, actions and checkpoints may take up to their
// timeout. Unattended: the start in a run without a facilitator, where each checkpoint holds for
// exactly its rehearsal time and waits and actions end at once.
function schedule(steps: readonly PlannedStep[]): Plan['schedule'] {
  let earliest = 0;
  let latest = 0;
  let unattended = 0;
  return steps.map((step) => {
    if (step.atMs !== undefined) {
      earliest = Math.max(earliest, step.atMs);
      latest = Math.max(latest, step.atMs);
      unattended = Math.max(unattended, step.atMs);
    }
    const entry = { stepId: step.id, earliestMs: earliest, latestMs: latest, unattendedMs: unattended };
    switch (step.kind) {
      case 'pause':
        earliest += step.pause.ms;
        latest += step.pause.ms;
        unattended += step.pause.ms;
        break;
      case 'wait':
        latest += step.wait.timeoutMs;
        break;
      case 'action':
        latest += step.action.timeoutMs;
        break;
      case 'checkpoint':
        latest += Math.max(step.checkpoint.timeoutMs, step.checkpoint.rehearsalMs);
        unattended += step.checkpoint.rehearsalMs;
        break;
      default:
        break;
    }
    return entry;
  });
}

function touches(scenario: Scenario, steps: readonly PlannedStep[]): string[] {
  const target = scenario.target;
  const out: string[] = [];
  switch (target.backend) {
    case 'local':
      out.push(
        `the embedded local cluster of ${target.topology} (network namespaces and links named kdrill-*, addresses in 198.18.0.0/15, its etcd, Patroni, PostgreSQL and HAProxy processes, data under .kdrill/)`,
      );
      break;
    case 'kubernetes':
      out.push(`kube context ${target.context}, namespace ${target.namespace}: StatefulSet ${target.statefulSet}; Chaos Mesh objects labelled kdrill.dev/run=<run id>`);
      // Programs the scenario names run only in a real run; the plan says so, word for word.
      if (target.nodeCommands) {
        out.push(`programs this scenario names, run on this machine by a real run ("{node}" is the node): stop ${JSON.stringify(target.nodeCommands.stop)}, start ${JSON.stringify(target.nodeCommands.start)}`);
      }
      break;
    case 'fake':
      out.push('nothing outside this process: an in-memory fake cluster');
      break;
  }
  if (scenario.load.driver === 'k6' && scenario.load.script) out.push(`the k6 script ${scenario.load.script}, code that a real run gives to k6`);
  for (const step of steps) {
    if (step.kind === 'fault' || step.kind === 'action') out.push(`${step.id} ${step.description}`);
  }
  return out;
}

function judged(scenario: Scenario, loaded: LoadedScenario, steps: readonly PlannedStep[]): string[] {
  const t = loaded.targets;
  const out = [`RTO ≤ ${formatDuration(t.rtoMs)}`, `RPO ≤ ${formatDuration(t.rpoMs)}`];
  if (t.maxLostWrites !== undefined) out.push(`lost acknowledged writes ≤ ${t.maxLostWrites}`);
  for (const step of steps) {
    if (step.kind === 'fault' && step.fault.expect === 'no-impact') out.push(`no client impact from ${faultIdFor(step)}`);
  }
  if (t.retentionMs !== undefined && scenario.verifications.some((v) => v.verify === 'retention')) out.push(`backup retention ${formatDuration(t.retentionMs)}`);
  for (const probe of scenario.steadyState.before) out.push(`steady state before: ${probe.probe} within ${formatDuration(probe.within)}`);
  for (const probe of scenario.steadyState.after) out.push(`steady state after: ${probe.probe} within ${formatDuration(probe.within)}`);
  for (const v of scenario.verifications) out.push(`verify ${v.verify}${v.required ? '' : ' (advisory)'}`);
  return out;
}

// The plan as people read it: header, timeline, what will be touched, what will be judged.
// Each line is escaped on its own: a description, step name or checkpoint prompt from the
// scenario shows its newlines and control characters as \n, \u001b…, inside its line.
export function formatPlan(plan: Plan): string {
  const s = plan.scenarioDoc;
  const lines: string[] = [];
  lines.push(`Plan: ${plan.scenario.name} (${plan.scenario.cadence}, ${plan.targets.tier}) from ${plan.scenario.file}`);
  if (plan.scenario.description) lines.push(`  ${plan.scenario.description.trim().replace(/\s+/g, ' ')}`);
  lines.push(`Backend: ${describeTarget(s)}`);
  lines.push(`Load: ${describeLoad(s)}`);
  lines.push('');
  lines.push('Timeline (T = end of warm-up)');
  const reverts: { at: number; text: string }[] = [];
  const whens = plan.steps.map((_, i) => {
    const slot = plan.schedule[i]!;
    const range = slot.earliestMs === slot.latestMs ? `T+${formatDuration(slot.earliestMs)}` : `T+${formatDuration(slot.earliestMs)}..${formatDuration(slot.latestMs)}`;
    // Where checkpoints hold without a facilitator, when the step starts in such a run.
    return slot.unattendedMs === slot.earliestMs ? range : `${range} (unattended T+${formatDuration(slot.unattendedMs)})`;
  });
  const width = Math.max(18, ...whens.map((w) => w.length));
  plan.steps.forEach((step, i) => {
    const slot = plan.schedule[i]!;
    lines.push(`  ${whens[i]!.padEnd(width)} ${step.id.padEnd(4)} ${step.name !== step.id ? `[${step.name}] ` : ''}${step.description}`);
    if (step.kind === 'fault' && step.fault.durationMs !== undefined) {
      reverts.push({ at: slot.earliestMs + step.fault.durationMs, text: `revert ${step.id} (${step.fault.type}) after ${formatDuration(step.fault.durationMs)}` });
    }
  });
  for (const r of reverts) lines.push(`  ${`≥ T+${formatDuration(r.at)}`.padEnd(width)} ↺    ${r.text}`);
  lines.push(`  ${'end'.padEnd(width)} ↺    revert every fault still armed, newest first; then steady-state checks and verifications`);
  lines.push('');
  lines.push('Touches');
  for (const t of plan.touches) lines.push(`  - ${t}`);
  lines.push('');
  lines.push(`Judged against ${plan.targets.tier}${s.tier.compliance.length ? ` + ${s.tier.compliance.join(', ')}` : ''}`);
  for (const j of plan.judged) lines.push(`  - ${j}`);
  lines.push(`  (${plan.targets.derivation.join('; ')})`);
  lines.push('');
  const abort = [`max duration ${formatDuration(plan.maxDurationMs)}`];
  if (s.abort.errorRate) abort.push(`error rate above ${s.abort.errorRate.above}% for ${formatDuration(s.abort.errorRate.for)}`);
  if (s.abort.dataLoss) abort.push('any acknowledged write found lost');
  lines.push(`Abort when: ${abort.join('; ')}`);
  lines.push(`Reports: ${s.report.formats.join(', ')}`);
  return lines.map((line) => escapeControl(line)).join('\n');
}

function describeTarget(s: Scenario): string {
  const t = s.target;
  switch (t.backend) {
    case 'local':
      return `local (topology ${t.topology}, DCS ${t.dcs}, Patroni profile ${t.patroni.profile}, privilege ${t.privilege})`;
    case 'kubernetes':
      return `kubernetes (context ${t.context}, namespace ${t.namespace}, provider ${t.provider}, StatefulSet ${t.statefulSet})`;
    case 'fake':
      return `fake (in-memory, zones ${t.zones.join(', ')})`;
  }
}

function describeLoad(s: Scenario): string {
  const l = s.load;
  if (l.driver === 'none') return 'none';
  const rate = l.rate === 'max' ? 'as fast as possible' : `${l.rate} writes/s`;
  return `${l.driver}, ${rate}, ${l.concurrency} connection${l.concurrency === 1 ? '' : 's'}, warm-up ${formatDuration(l.warmUp)}, write timeout ${formatDuration(l.writeTimeout)}`;
}
