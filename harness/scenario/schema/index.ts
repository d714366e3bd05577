import { z } from 'zod';
import { abortSchema } from './abort.js';
import { gameDaySchema } from './game-day.js';
import { loadSchema } from './load.js';
import { metadataSchema } from './metadata.js';
import { reportSchema } from './report.js';
import { steadyStateSchema } from './steady-state.js';
import { stepSchema } from './steps.js';
import { targetSchema } from './target.js';
import { tierSchema } from './tier.js';
import { verificationSchema } from './verifications.js';
import { workloadSchema } from './workload.js';

export const API_VERSION = 'kdrill.dev/v1alpha1';

// More steps than any drill needs (the annual game day has 20); a bound on the plan's size.
export const MAX_STEPS = 500;

// The whole scenario document. Types everywhere else come from here via z.infer.
export const scenarioSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).describe(`"${API_VERSION}"`),
    kind: z.literal('Scenario').describe('"Scenario"'),
    metadata: metadataSchema,
    tier: tierSchema,
    target: targetSchema,
    workload: workloadSchema.default({ type: 'postgresql', database: 'kdrill', seed: { rows: 10_000 } }),
    load: loadSchema.default({ driver: 'ledger', rate: 200, concurrency: 4, warmUp: 0, writeTimeout: 2_000 }),
    steadyState: steadyStateSchema.default({ interval: 500, stabilityWindow: 3_000, before: [], after: [] }),
    steps: z.array(stepSchema).min(1).max(MAX_STEPS).describe('the drill: faults, waits, pauses, actions, checkpoints and reverts, in order'),
    verifications: z.array(verificationSchema).default([]),
    abort: abortSchema.default({ maxDuration: 3_600_000, dataLoss: false }),
    gameDay: gameDaySchema.optional(),
    report: reportSchema.default({ formats: ['json', 'markdown', 'html'] }),
  })
  .describe('a kdrill scenario');

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type { FaultExpectation, Step, StepKind } from './steps.js';
export { FAULT_EXPECTATIONS, STEP_KINDS, WAIT_CONDITIONS, stepKind } from './steps.js';
