import type { ActionType } from '../actions/types.js';
import type { BackendKind } from '../model/topology.js';
import type { FaultType } from '../model/fault.js';
import type { FaultExpectation, Scenario, StepKind } from './schema/index.js';

// The targets a drill is judged against, after tier policy, compliance presets and overrides.
export interface ResolvedTargets {
  readonly tier: string;
  readonly rpoMs: number;
  readonly rtoMs: number;
  readonly maxLostWrites?: number; // absent: no bound on the count, only on RPO
  readonly retentionMs?: number;
  readonly allowedRegions?: readonly string[];
  // Why each number is what it is ("rto 15m from tier0; narrowed to 4h by HIPAA"…).
  readonly derivation: readonly string[];
}

interface PlannedStepBase {
  readonly id: string; // "s1", "s2"… in scenario order
  readonly name: string; // the author's name, or the id
  readonly kind: StepKind;
  readonly index: number; // position in scenario.steps
  readonly atMs?: number; // explicit start offset from the end of warm-up
  readonly description: string;
}

export type PlannedStep =
  // `expect: 'no-impact'`: the author expects no client-visible effect, a target of its own.
  | (PlannedStepBase & { kind: 'fault'; fault: { type: FaultType; params: Record<string, unknown>; durationMs?: number; expect?: FaultExpectation } })
  | (PlannedStepBase & { kind: 'wait'; wait: { condition: string; timeoutMs: number } })
  | (PlannedStepBase & { kind: 'pause'; pause: { ms: number } })
  | (PlannedStepBase & { kind: 'action'; action: { type: ActionType; params: Record<string, unknown>; timeoutMs: number } })
  // `rehearsalMs`: how long the checkpoint holds when no facilitator answers (0: not at all).
  | (PlannedStepBase & { kind: 'checkpoint'; checkpoint: { prompt: string; timeoutMs: number; record: readonly string[]; rehearsalMs: number } })
  | (PlannedStepBase & { kind: 'revert'; revert: { stepId: string } });

// A scenario compiled for execution: pure data, printed by `kdrill plan`, stored in the journal.
export interface Plan {
  readonly scenario: {
    readonly name: string;
    readonly file: string;
    readonly cadence: Scenario['metadata']['cadence'];
    readonly description?: string;
  };
  readonly backend: BackendKind;
  readonly targets: ResolvedTargets;
  readonly warmUpMs: number;
  readonly steps: readonly PlannedStep[];
  // Earliest and latest start of each step, assuming waits end at once and actions take no time
  // (earliest: a facilitator answers each checkpoint at once; latest: waits, actions and
  // checkpoints take up to their timeout), and its start in a run without a facilitator, where
  // each checkpoint holds for its rehearsal time (`unattendedMs`).
  readonly schedule: readonly { readonly stepId: string; readonly earliestMs: number; readonly latestMs: number; readonly unattendedMs: number }[];
  readonly touches: readonly string[];
  readonly judged: readonly string[];
  readonly maxDurationMs: number;
  readonly scenarioDoc: Scenario;
}
