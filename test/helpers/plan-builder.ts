import type { ActionType } from '../../harness/actions/types.js';
import type { FaultType } from '../../harness/model/fault.js';
import type { Plan, PlannedStep } from '../../harness/scenario/plan-types.js';
import type { Scenario } from '../../harness/scenario/schema/index.js';
import type { FaultExpectation } from '../../harness/scenario/schema/steps.js';

interface StepOptions {
  name?: string;
  atMs?: number;
}

// Builds a Plan by hand for engine tests: `plan().fault('node-crash', {}, { durationMs: 30_000 }).pause(1000).build()`.
export class PlanBuilder {
  private readonly steps: PlannedStep[] = [];
  private warmUp = 0;
  private maxDuration = 3_600_000;

  warmUpMs(ms: number): this {
    this.warmUp = ms;
    return this;
  }

  maxDurationMs(ms: number): this {
    this.maxDuration = ms;
    return this;
  }

  fault(type: FaultType, params: Record<string, unknown> = {}, options: StepOptions & { durationMs?: number; expect?: FaultExpectation } = {}): this {
    const { durationMs, expect, ...rest } = options;
    return this.add(rest, { kind: 'fault', fault: { type, params, ...(durationMs !== undefined ? { durationMs } : {}), ...(expect !== undefined ? { expect } : {}) } }, `fault ${type}`);
  }

  wait(condition: string, timeoutMs = 60_000, options: StepOptions = {}): this {
    return this.add(options, { kind: 'wait', wait: { condition, timeoutMs } }, `wait ${condition}`);
  }

  pause(ms: number, options: StepOptions = {}): this {
    return this.add(options, { kind: 'pause', pause: { ms } }, `pause ${ms}`);
  }

  action(type: ActionType, params: Record<string, unknown> = {}, timeoutMs = 60_000, options: StepOptions = {}): this {
    return this.add(options, { kind: 'action', action: { type, params, timeoutMs } }, `action ${type}`);
  }

  // rehearsalMs: how long it holds without a facilitator; 0 here (not the scenario's 30 s
  // default), so engine tests that do not care about rehearsal time take none.
  checkpoint(prompt: string, timeoutMs = 60_000, options: StepOptions & { rehearsalMs?: number } = {}): this {
    const { rehearsalMs = 0, ...rest } = options;
    return this.add(rest, { kind: 'checkpoint', checkpoint: { prompt, timeoutMs, record: ['observation', 'decision'], rehearsalMs } }, `checkpoint ${prompt}`);
  }

  // Reverts the fault of the step with this name (or id).
  revert(step: string, options: StepOptions = {}): this {
    const target = this.steps.find((s) => s.name === step || s.id === step);
    if (!target) throw new Error(`plan builder: no step ${step} to revert`);
    return this.add(options, { kind: 'revert', revert: { stepId: target.id } }, `revert ${step}`);
  }

  build(): Plan {
    return {
      scenario: { name: 'unit-drill', file: 'unit-drill.yaml', cadence: 'adhoc' },
      backend: 'fake',
      targets: { tier: 'tier0', rpoMs: 0, rtoMs: 900_000, derivation: ['tier0 defaults'] },
      warmUpMs: this.warmUp,
      steps: [...this.steps],
      schedule: this.steps.map((s) => ({ stepId: s.id, earliestMs: s.atMs ?? 0, latestMs: s.atMs ?? 0, unattendedMs: s.atMs ?? 0 })),
      touches: [],
      judged: [],
      maxDurationMs: this.maxDuration,
      // Engine tests never read the scenario document beyond steadyState.interval.
      scenarioDoc: { steadyState: { interval: 1_000 } } as unknown as Scenario,
    };
  }

  private add(options: StepOptions, body: Record<string, unknown>, description: string): this {
    const id = `s${this.steps.length + 1}`;
    this.steps.push({
      id,
      name: options.name ?? id,
      index: this.steps.length,
      description,
      ...(options.atMs !== undefined ? { atMs: options.atMs } : {}),
      ...body,
    } as PlannedStep);
    return this;
  }
}

export function plan(): PlanBuilder {
  return new PlanBuilder();
}

// A `backend: fake` target.
export function fakeTarget(options: { zones?: string[] } = {}): Scenario['target'] {
  return { backend: 'fake', zones: options.zones ?? ['a', 'b', 'c'] };
}
