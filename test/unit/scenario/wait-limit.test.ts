import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../harness/common/errors.js';
import { MAX_DURATION_MS } from '../../../harness/model/duration.js';
import { MAX_TIMER_MS } from '../../../harness/common/long-timer.js';
import { parseScenario } from '../../../harness/scenario/load.js';
import { MAX_WAIT_MS } from '../../../harness/model/duration-schema.js';

const FILE = 'long.yaml';
const DAY = 86_400_000;

// Line numbers: 9 abort.maxDuration, 11-14 steps[0] (a fault), 15-16 steps[1] (a pause).
const scenario = (o: { maxDuration?: string; duration?: string; pause?: string; retention?: string } = {}) => `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata: { name: long-drill }
tier: { name: tier1${o.retention ? `, overrides: { retention: ${o.retention} }` : ''} }
target:
  backend: fake
load: { driver: none }
abort:
  maxDuration: ${o.maxDuration ?? '30d'}
steps:
  - name: slow-crash
    fault: node-crash
    node: a-1
    duration: ${o.duration ?? '25d'}
  - pause: ${o.pause ?? '1h'}
`;

function problems(yaml: string): string[] {
  try {
    parseScenario(yaml, FILE);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.issues.map((issue) => `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`);
  }
  return [];
}

describe('the longest duration kdrill waits on', () => {
  it('is 30 days: longer than one Node timer holds (the timers chain), far below the ten-year parse limit', () => {
    expect(MAX_WAIT_MS).toBe(30 * DAY);
    expect(MAX_WAIT_MS).toBeGreaterThan(MAX_TIMER_MS);
    expect(MAX_WAIT_MS).toBeLessThan(MAX_DURATION_MS);
  });

  it('a 30d maxDuration and a 25d fault duration are accepted, as written', () => {
    expect(problems(scenario())).toEqual([]);
    const { scenario: parsed } = parseScenario(scenario(), FILE);
    expect(parsed.abort.maxDuration).toBe(30 * DAY);
    expect(parsed.steps[0]).toMatchObject({ duration: 25 * DAY });
  });

  it('maxDuration: 31d is refused with the limit, the value and where it is', () => {
    expect(problems(scenario({ maxDuration: '31d' }))).toEqual([`${FILE}:9:16: \`abort.maxDuration\`: expected a duration of at most 30d, got 31d`]);
  });

  it('so are a fault duration and a pause over the limit, however written (ISO 8601, hours)', () => {
    expect(problems(scenario({ duration: 'P31D', pause: '745h' }))).toEqual([
      `${FILE}:14:15: \`steps[0].duration\`: expected a duration of at most 30d, got 31d`,
      `${FILE}:15:12: \`steps[1].pause\`: expected a duration of at most 30d, got 31d1h`,
    ]);
  });

  it('other mistakes in a waited-on duration keep their message', () => {
    expect(problems(scenario({ duration: 'ninety' }))).toEqual([
      `${FILE}:14:15: Expected \`steps[0].duration\` to be a duration greater than zero, like "500ms", "90s", "15m", "1h" or ISO 8601 "PT5M", got \`"ninety"\` (string)`,
    ]);
  });

  it('durations kdrill only compares, like a retention, may be longer', () => {
    expect(problems(scenario({ retention: '400d' }))).toEqual([]);
  });
});
