import { configDefaults, defineConfig } from 'vitest/config';

// Three groups of tests:
//   unit        everything under test/ except integration/ and e2e/: runs in parallel, 20 s per test
//   integration real processes (PostgreSQL, etcd, network namespaces): one file at a time, 180 s
//   e2e         whole drills through the CLI: one file at a time, after integration, 180 s
// Groups run one after another (sequence.groupOrder), so slow suites never share the machine
// with each other. KDRILL_TEST_SCOPE=unit (or a comma list: "unit,integration") limits the groups.

const SLOW = ['test/integration/**', 'test/e2e/**'];
const SLOW_TIMEOUT = 180_000;

const scope = (process.env.KDRILL_TEST_SCOPE ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');
const KNOWN = ['unit', 'integration', 'e2e'];
const unknown = scope.filter((s) => !KNOWN.includes(s));
if (unknown.length > 0) {
  throw new Error(`Expected KDRILL_TEST_SCOPE to list ${KNOWN.join(', ')}, got \`${unknown.join(',')}\``);
}
const wanted = (name: string): boolean => scope.length === 0 || scope.includes(name);

// Projects do not `extends: true`: vite merges arrays, so the root `include` would leak into each.
const shared = { pool: 'forks' as const, testTimeout: 20_000 };

const projects = [
  {
    test: {
      ...shared,
      name: 'unit',
      include: ['test/**/*.test.ts'],
      exclude: [...configDefaults.exclude, ...SLOW],
      sequence: { groupOrder: 0 },
    },
  },
  ...(['integration', 'e2e'] as const).map((name, i) => ({
    test: {
      ...shared,
      name,
      include: [`test/${name}/**/*.test.ts`],
      fileParallelism: false,
      testTimeout: SLOW_TIMEOUT,
      hookTimeout: SLOW_TIMEOUT,
      sequence: { groupOrder: i + 1 },
    },
  })),
].filter((p) => wanted(p.test.name));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    ...shared,
    projects,
  },
});
