import { z } from 'zod';
import { FAULTS } from '../../faults/api.js';
import { ACTIONS } from '../../actions/api.js';
import { positiveWaitDuration, waitDuration } from '../../model/duration-schema.js';
import { dnsLabel } from '../../model/names.js';
import type { FaultType } from '../../model/fault.js';
import type { ActionType } from '../../actions/types.js';
import { hasKey, tagIs, taggedUnion, type Branch } from './tagged-union.js';

export const WAIT_CONDITIONS = [
  'service-restored',
  'leader-elected',
  'redundancy-restored',
  'replication-caught-up',
  'cluster-healthy',
] as const;

export const STEP_KINDS = ['fault', 'wait', 'pause', 'action', 'checkpoint', 'revert'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

// What the author expects a fault to do to clients. `no-impact`: nothing client-visible (a
// replica crash, say); that is then a target of its own, failed by any impact.
export const FAULT_EXPECTATIONS = ['no-impact'] as const;
export type FaultExpectation = (typeof FAULT_EXPECTATIONS)[number];

// How long a checkpoint holds when no facilitator answers, unless the step says otherwise.
export const DEFAULT_REHEARSAL_MS = 30_000;

// Keys every step may carry beside its own.
const common = {
  name: dnsLabel.optional().describe('a step name, unique in the scenario, used by `revert` and in reports'),
  at: waitDuration.optional().describe('when the step starts, from the end of the warm-up, like "30s"; default: after the previous step'),
};

function branches<T extends string>(
  key: string,
  entries: readonly [T, z.ZodObject][],
  extra: z.ZodRawShape,
): [Branch, Branch, ...Branch[]] {
  return entries.map(([type, params]) => ({
    label: type,
    when: tagIs(key, type),
    // safeExtend keeps the params' own object-level rules (like "zone or pod, not both").
    schema: params.safeExtend({ [key]: z.literal(type), ...common, ...extra }),
  })) as unknown as [Branch, Branch, ...Branch[]];
}

interface StepCommon {
  name?: string | undefined;
  at?: number | undefined;
}
// The per-type unions are built from the registries, so their precise types are declared here;
// the parameters themselves are checked by each definition's schema.
export type FaultStep = StepCommon & { fault: FaultType; duration?: number | undefined; expect?: FaultExpectation | undefined } & Record<string, unknown>;
export type ActionStep = StepCommon & { action: ActionType; timeout: number } & Record<string, unknown>;

const faultStep = taggedUnion(
  branches('fault', [...FAULTS.values()].map((f) => [f.type, f.params]), {
    duration: positiveWaitDuration.optional().describe('how long the fault lasts before it is reverted, like "60s"; default: until the end of the drill'),
    expect: z
      .enum(FAULT_EXPECTATIONS)
      .optional()
      .describe('"no-impact": the fault should have no client-visible effect, a target of its own that any impact fails; default: the tier targets judge it'),
  }),
  `a fault type: ${[...FAULTS.keys()].join(', ')}`,
  { tagKey: 'fault' },
) as unknown as z.ZodType<FaultStep>;

const actionStep = taggedUnion(
  branches('action', [...ACTIONS.values()].map((a) => [a.type, a.params]), {
    timeout: positiveWaitDuration.default(1_800_000).describe('how long the action may take, like "10m"'),
  }),
  `an action: ${[...ACTIONS.keys()].join(', ')}`,
  { tagKey: 'action' },
) as unknown as z.ZodType<ActionStep>;

const waitStep = z.strictObject({
  wait: z.enum(WAIT_CONDITIONS).describe(`a condition: ${WAIT_CONDITIONS.join(', ')}`),
  ...common,
  timeout: positiveWaitDuration.default(300_000).describe('how long to wait before the step fails, like "5m"'),
});

const pauseStep = z.strictObject({
  pause: positiveWaitDuration.describe('how long to pause, like "30s"'),
  ...common,
});

const checkpointStep = z.strictObject({
  checkpoint: z.string().min(1).describe('what the facilitator asks the team at this point'),
  ...common,
  timeout: positiveWaitDuration.default(1_800_000).describe('how long to wait for the team, like "15m"'),
  record: z.array(z.enum(['observation', 'decision'])).default(['observation']).describe('what to record: observation, decision'),
  rehearsal: waitDuration
    .default(DEFAULT_REHEARSAL_MS)
    .describe('how long the checkpoint holds when no facilitator answers (a rehearsal run, CI), so the faults before it take effect, like "45s"; "0s": do not hold; default "30s"'),
});

const revertStep = z.strictObject({
  revert: dnsLabel.describe('the name of an earlier fault step to revert now'),
  ...common,
});

export const stepSchema = taggedUnion(
  [
    { label: 'fault', when: hasKey('fault'), schema: faultStep },
    { label: 'wait', when: hasKey('wait'), schema: waitStep },
    { label: 'pause', when: hasKey('pause'), schema: pauseStep },
    { label: 'action', when: hasKey('action'), schema: actionStep },
    { label: 'checkpoint', when: hasKey('checkpoint'), schema: checkpointStep },
    { label: 'revert', when: hasKey('revert'), schema: revertStep },
  ],
  `a step with one of the keys ${STEP_KINDS.map((k) => `\`${k}\``).join(', ')}`,
  { presenceKeys: STEP_KINDS },
);
export type Step = z.infer<typeof stepSchema>;

// Which kind of step this is, by the key that names it.
export function stepKind(step: Step): StepKind {
  for (const kind of STEP_KINDS) if (kind in step) return kind;
  throw new Error('unreachable: a validated step has a kind');
}
