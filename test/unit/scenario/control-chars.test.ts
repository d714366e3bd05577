import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../harness/common/errors.js';
import { parseScenario } from '../../../harness/scenario/load.js';
import { compilePlan, formatPlan } from '../../../harness/scenario/plan.js';

// A scenario whose free text tries to redraw the terminal, forge a PASSED line and reverse
// what follows: YAML's double-quoted escapes (\e, \r, \n, \u202e) put the raw characters in.
const HOSTILE = String.raw`clear\e[2J back\r over\nPASSED \u202eright-to-left`;
const RAW = /[\u001b\r\u202e]|\nPASSED/;

const drill = (extra = '') => `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: hostile
  cadence: monthly
  description: "${HOSTILE}"
tier:
  name: tier1
target:
  backend: fake
steps:
  - checkpoint: "${HOSTILE}"
    timeout: 10m
  - pause: 5s
${extra}`;

function issuesOf(yaml: string): string[] {
  try {
    parseScenario(yaml, 'hostile.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map((i) => i.message);
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}

describe('a scenario with control characters in its text', () => {
  it('holds them raw in the plan (data), and the printed plan shows them escaped, each in its line', () => {
    const plan = compilePlan(parseScenario(drill(), 'hostile.yaml'));
    expect(plan.scenario.description).toContain('\u001b[2J');
    const text = formatPlan(plan);
    expect(text).not.toMatch(RAW);
    expect(text).toContain(String.raw`checkpoint: "clear\u001b[2J back\r over\nPASSED \u202eright-to-left"`);
    expect(text.split('\n').filter((l) => l.startsWith('PASSED'))).toEqual([]);
  });

  it('is quoted escaped in validation messages: unknown keys and wrong values', () => {
    const messages = issuesOf(drill(`"bad\\e[2Jkey\\nPASSED": 1\n`).replace('cadence: monthly', `cadence: "month\\nly\\e"`));
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const m of messages) expect(m).not.toMatch(/[\u001b\r\n\u202e]/);
    expect(messages.join('\n')).toContain(String.raw`Unknown key ` + '`' + String.raw`bad\u001b[2Jkey\nPASSED` + '`');
    expect(messages.join('\n')).toContain(String.raw`got ` + '`' + String.raw`"month\nly\u001b"` + '`');
  });
});
