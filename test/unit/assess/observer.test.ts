import { describe, expect, it } from 'vitest';
import { scenarioObserver } from '../../../harness/assess/observer.js';
import type { Backend } from '../../../harness/backends/types.js';
import { parseScenario } from '../../../harness/scenario/load.js';
import { fakeDrill, kinds } from '../../helpers/drill.js';
import { plan } from '../../helpers/plan-builder.js';

// The fake backend, but its read-write endpoint is a PostgreSQL URL where nothing listens.
function withUnreachableDatabase(backend: Backend): Backend {
  return {
    ...backend,
    connect: async (target, ctx) => {
      const connected = await backend.connect(target, ctx);
      return Object.assign(Object.create(connected) as typeof connected, {
        endpoints: async () => ({ readWrite: 'postgresql://postgres@127.0.0.1:1/postgres', password: 'not-logged' }),
      });
    },
  };
}

const scenario = (extra: string) =>
  parseScenario(
    `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata: { name: observer-test }
tier: { name: tier1 }
target: { backend: fake }
workload: { database: postgres }
load: { driver: none }
steps:
  - fault: node-crash
    node: a-1
${extra}`,
    'observer-test.yaml',
  ).scenario;

describe('the drill observer', () => {
  it('injects no fault when the steady state does not hold before the first one, and says which probe failed', async () => {
    const drill = fakeDrill();
    const observer = scenarioObserver(scenario('steadyState:\n  interval: 100ms\n  before:\n    - probe: write-availability\n      within: 300ms\n'));
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }).build(), { backend: withUnreachableDatabase(drill.backend), observer });
    expect(result.status).toBe('errored');
    expect(result.error?.message).toMatch(/^the steady state did not hold before the first fault, so no fault was injected: write-availability: no write: connect ECONNREFUSED/);
    expect(kinds(drill.journal.entries)).not.toContain('fault-armed');
    expect(drill.journal.entries.find((e) => e.kind === 'steady-state')).toMatchObject({ when: 'before', held: false });
    expect(JSON.stringify(drill.journal.entries)).not.toContain('not-logged');
  });

  it('measures and verifies nothing on a backend without a database, so nothing can claim a met target', async () => {
    const drill = fakeDrill();
    const observer = scenarioObserver(scenario('verifications:\n  - verify: amcheck\n'));
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }).build(), { observer });
    // Nothing measured is never met: the run cannot pass.
    expect(result.status).toBe('targets-missed');
    expect(result.measurements).toEqual([]);
    expect(result.targets.map((t) => t.status)).toEqual(['not-measured', 'not-measured']);
    expect(result.evidence).toEqual({});
  });
});
