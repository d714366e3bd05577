import { describe, expect, it } from 'vitest';
import { faultIdFor } from '../../../harness/model/fault.js';
import { FAULTS } from '../../../harness/faults/api.js';
import { loadScenarioFile, parseScenario } from '../../../harness/scenario/load.js';
import { compilePlan, formatPlan } from '../../../harness/scenario/plan.js';
import type { PlannedStep } from '../../../harness/scenario/plan-types.js';

// `expect` on fault steps and `rehearsal` on checkpoints: accepted by the schema, carried into
// the plan, shown by `kdrill plan`, and counted in the schedule.

const FILE = 'plan.yaml';

// A fake-backend drill: a replica crash expected to be harmless, a checkpoint held without a
// facilitator, then a revert.
const DRILL = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: plan-check
  cadence: monthly
tier:
  name: tier1
target:
  backend: fake
steps:
  - name: replica-crash
    fault: node-crash
    node: replica
    expect: no-impact
  - checkpoint: Did anyone notice?
    timeout: 10m
    rehearsal: 45s
  - revert: replica-crash
  - pause: 5s
`;

const compile = (yaml: string) => compilePlan(parseScenario(yaml, FILE));
const stepOf = <K extends PlannedStep['kind']>(steps: readonly PlannedStep[], kind: K) => steps.find((s): s is Extract<PlannedStep, { kind: K }> => s.kind === kind)!;

describe('fault `expect`', () => {
  it('never collides with a fault parameter of the catalogue', () => {
    const colliding = [...FAULTS.values()].filter((f) => 'expect' in f.params.shape).map((f) => f.type);
    expect(colliding).toEqual([]);
  });

  it('is carried into the plan beside the parameters, not among them', () => {
    const fault = stepOf(compile(DRILL).steps, 'fault');
    expect(fault.fault).toEqual({ type: 'node-crash', params: { node: 'replica' }, expect: 'no-impact' });
  });

  it('is absent from the plan when the step does not declare it', () => {
    const fault = stepOf(compile(DRILL.replace('    expect: no-impact\n', '')).steps, 'fault');
    expect(fault.fault).toEqual({ type: 'node-crash', params: { node: 'replica' } });
    expect('expect' in fault.fault).toBe(false);
  });

  it('is shown on the step and judged as a target of its own, named by the fault id', () => {
    const plan = compile(DRILL);
    const fault = stepOf(plan.steps, 'fault');
    expect(fault.description).toMatch(/^node-crash: .* until the end of the drill; expected: no client impact$/);
    expect(plan.judged).toContain(`no client impact from ${faultIdFor(fault)}`);
    expect(plan.judged).toContain('no client impact from s1-replica-crash');
    expect(formatPlan(plan)).toContain('  - no client impact from s1-replica-crash');
  });

  it('adds nothing to what is judged when no fault declares it', () => {
    const plan = compile(DRILL.replace('    expect: no-impact\n', ''));
    expect(plan.judged.filter((j) => j.includes('client impact'))).toEqual([]);
  });
});

describe('checkpoint `rehearsal`', () => {
  it('is carried into the plan in milliseconds and shown on the step', () => {
    const checkpoint = stepOf(compile(DRILL).steps, 'checkpoint');
    expect(checkpoint.checkpoint).toEqual({ prompt: 'Did anyone notice?', timeoutMs: 600_000, record: ['observation'], rehearsalMs: 45_000 });
    expect(checkpoint.description).toBe('checkpoint: "Did anyone notice?" (records observation; at most 10m; held 45s without a facilitator)');
  });

  it('defaults to 30 s', () => {
    const checkpoint = stepOf(compile(DRILL.replace('    rehearsal: 45s\n', '')).steps, 'checkpoint');
    expect(checkpoint.checkpoint.rehearsalMs).toBe(30_000);
  });

  it('may be 0s: not held', () => {
    const checkpoint = stepOf(compile(DRILL.replace('rehearsal: 45s', 'rehearsal: 0s')).steps, 'checkpoint');
    expect(checkpoint.checkpoint.rehearsalMs).toBe(0);
    expect(checkpoint.description).toContain('; not held without a facilitator)');
  });

  it('moves the unattended start of the steps after it, and neither the earliest nor (below the timeout) the latest', () => {
    expect(compile(DRILL).schedule).toEqual([
      { stepId: 's1', earliestMs: 0, latestMs: 0, unattendedMs: 0 },
      { stepId: 's2', earliestMs: 0, latestMs: 0, unattendedMs: 0 },
      { stepId: 's3', earliestMs: 0, latestMs: 600_000, unattendedMs: 45_000 },
      { stepId: 's4', earliestMs: 0, latestMs: 600_000, unattendedMs: 45_000 },
    ]);
  });

  it('stretches the latest start when it is longer than the timeout', () => {
    const plan = compile(DRILL.replace('timeout: 10m', 'timeout: 20s'));
    expect(plan.schedule[2]).toEqual({ stepId: 's3', earliestMs: 0, latestMs: 45_000, unattendedMs: 45_000 });
  });

  it('is caught up by a later explicit `at`', () => {
    const plan = compile(DRILL.replace('  - pause: 5s\n', '  - pause: 5s\n    at: 2m\n'));
    expect(plan.schedule[3]).toEqual({ stepId: 's4', earliestMs: 120_000, latestMs: 600_000, unattendedMs: 120_000 });
  });

  it('shows the unattended start in the timeline only where it differs from the earliest', () => {
    const lines = formatPlan(compile(DRILL)).split('\n');
    // The when column widens to the longest entry, so the step ids stay aligned.
    expect(lines.find((l) => /\ss3\s/.test(l))).toBe(`  ${'T+0s..10m (unattended T+45s)'.padEnd(28)} s3   revert replica-crash (s1)`);
    expect(lines.find((l) => /\ss1\s/.test(l))?.startsWith(`  ${'T+0s'.padEnd(28)} s1   [replica-crash] node-crash:`)).toBe(true);
    expect(formatPlan(compile(DRILL.replace('rehearsal: 45s', 'rehearsal: 0s')))).not.toContain('unattended');
  });
});

describe('the shipped game day, rehearsed without a facilitator', () => {
  it('holds each fault for 1m, past the default Patroni ttl of 30s, before its revert step', async () => {
    const plan = compilePlan(await loadScenarioFile(new URL('../../../scenarios/annual/game-day.yaml', import.meta.url).pathname));
    const start = new Map(plan.schedule.map((s) => [s.stepId, s.unattendedMs]));
    const held = plan.steps.flatMap((s) => (s.kind === 'revert' ? [[s.revert.stepId, start.get(s.id)! - start.get(s.revert.stepId)!] as const] : []));
    expect(held).toEqual([
      ['s2', 60_000],
      ['s7', 60_000],
    ]);
  });
});
