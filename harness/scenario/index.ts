// The scenario language: schema, loading with located errors, tier policy, and plan compilation.
export { loadScenarioFile, parseScenario, type LoadedScenario } from './load.js';
export { compilePlan, formatPlan } from './plan.js';
export type { Plan, PlannedStep, ResolvedTargets } from './plan-types.js';
export { scenarioSchema, API_VERSION, FAULT_EXPECTATIONS, type FaultExpectation, type Scenario, type Step } from './schema/index.js';
export { scenarioJsonSchema } from './json-schema.js';
