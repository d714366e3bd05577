import { describe, expect, it } from 'vitest';
import { formatWarning } from '../../../harness/common/errors.js';
import { parseScenario } from '../../../harness/scenario/load.js';

// Validation warnings: a scenario that loads but cannot measure what its tier asks for says so,
// located at `load.driver`, and still loads.

const FILE = 'warn.yaml';

// Line 11 is `  driver: …`; its value starts at column 11.
const BASE = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: warn-base
  cadence: monthly
tier:
  name: tier1
target:
  backend: fake
load:
  driver: ledger
  rate: 50
steps:
  - fault: primary-crash
    duration: 30s
  - wait: service-restored
`;

const withDriver = (driver: string, extra = '') => BASE.replace('  driver: ledger\n', `  driver: ${driver}\n${extra}`);
const warnings = (yaml: string) => parseScenario(yaml, FILE).warnings.map(formatWarning);

const CANNOT = (why: string, targets: string, resolution = '500ms') =>
  `${FILE}:11:11: warning: \`load.driver\` is ${why}: this drill can measure RTO only from the write probe, to its interval's resolution (\`steadyState.interval\`, ${resolution}), ` +
  `and cannot measure RPO or lost writes, so the ${targets} will be reported "not measured", which fails the drill; use \`load.driver: ledger\` to measure them`;

describe('warnings of a scenario that cannot measure its targets', () => {
  it('none for the ledger driver', () => {
    expect(warnings(BASE)).toEqual([]);
    expect(warnings(BASE.replace('load:\n  driver: ledger\n  rate: 50\n', ''))).toEqual([]); // the default driver
  });

  it('pgbench: RTO from the write probe only; RPO not measured', () => {
    expect(warnings(withDriver('pgbench'))).toEqual([CANNOT('"pgbench", which keeps no per-write ledger', 'tier1 target RPO ≤ 1h')]);
  });

  it('k6: the same', () => {
    expect(warnings(withDriver('k6', '  script: fixtures/k6/postgres-writes.js\n'))).toEqual([CANNOT('"k6", which keeps no per-write ledger', 'tier1 target RPO ≤ 1h')]);
  });

  it('none: no load at all', () => {
    expect(warnings(withDriver('none'))).toEqual([CANNOT('"none", so only the write probe writes', 'tier1 target RPO ≤ 1h')]);
  });

  it('names the lost-writes bound too when the tier has one, and the probe interval the scenario sets', () => {
    const yaml = withDriver('pgbench').replace('  name: tier1', '  name: tier0').replace('steps:', 'steadyState:\n  interval: 2s\nsteps:');
    expect(warnings(yaml)).toEqual([CANNOT('"pgbench", which keeps no per-write ledger', 'tier0 targets RPO ≤ 0s and lost writes ≤ 0', '2s')]);
  });

  it('does not stop the scenario from loading', () => {
    const loaded = parseScenario(withDriver('pgbench'), FILE);
    expect(loaded.scenario.load.driver).toBe('pgbench');
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toMatchObject({ file: FILE, line: 11, column: 11, path: 'load.driver' });
  });
});
