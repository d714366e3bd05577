import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { junitReporter } from '../../../harness/report/junit/index.js';
import { failedRunEntries, inputFrom, passedRunEntries } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';
import { findAll, parseXml, type XmlElement } from './xml-check.js';

async function renderJunit(entries: Parameters<typeof inputFrom>[0], dir: string): Promise<XmlElement> {
  const [file] = await junitReporter.render(inputFrom(entries), dir);
  return parseXml(await readFile(file!, 'utf8'));
}

// The counts attributes of a testsuite equal the number of elements they count.
function expectConsistentCounts(suite: XmlElement): void {
  const cases = findAll(suite, 'testcase');
  expect(Number(suite.attrs['tests'])).toBe(cases.length);
  expect(Number(suite.attrs['failures'])).toBe(findAll(suite, 'failure').length);
  expect(Number(suite.attrs['errors'])).toBe(findAll(suite, 'error').length);
  expect(Number(suite.attrs['skipped'])).toBe(findAll(suite, 'skipped').length);
  for (const c of cases) expect(Object.keys(c.attrs).sort()).toEqual(['classname', 'name', 'time']);
}

describe('junit reporter', () => {
  const tmp = useTmpDirs();

  it('is well-formed, with one testsuite whose counts match its testcases', async () => {
    const root = await renderJunit(failedRunEntries(), await tmp());
    expect(root.name).toBe('testsuites');
    const suites = findAll(root, 'testsuite');
    expect(suites).toHaveLength(1);
    const suite = suites[0]!;
    expect(suite.attrs).toMatchObject({ name: 'primary-kill', timestamp: '2024-05-01T10:00:00', time: '1.000' });
    expect(Object.keys(suite.attrs).sort()).toEqual(['errors', 'failures', 'name', 'skipped', 'tests', 'time', 'timestamp']);
    expectConsistentCounts(suite);
    expect(root.attrs['tests']).toBe(suite.attrs['tests']);
  });

  it('has a testcase per step, target and verification, a failure for the failed step and an error for the errored run', async () => {
    const suite = findAll(await renderJunit(failedRunEntries(), await tmp()), 'testsuite')[0]!;
    const cases = findAll(suite, 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual([
      's1 kill primary',
      's2 wait for new leader',
      's3 <script>alert("x")</script>',
      's4 pause',
      'target RTO ≤ 1m',
      'target RPO ≤ 0s',
      'verify ledger-readback',
      'run ERRORED',
    ]);
    const byName = new Map(cases.map((c) => [c.attrs['name'], c]));
    const failure = findAll(byName.get('s2 wait for new leader')!, 'failure');
    expect(failure).toHaveLength(1);
    expect(failure[0]!.attrs).toEqual({ message: 'STEP_FAILED: no leader after 500ms: password=[redacted] rejected', type: 'step-failed' });
    expect(byName.get('s1 kill primary')!.attrs['time']).toBe('0.050');
    expect(findAll(byName.get('s4 pause')!, 'skipped')).toHaveLength(1);
    const error = findAll(byName.get('run ERRORED')!, 'error');
    expect(error[0]!.attrs).toEqual({ message: 'backend said: password=[redacted]', type: 'run-errored' });
    expect(findAll(suite, 'failure')).toHaveLength(1);
  });

  it('has no failure or error for a passed run', async () => {
    const suite = findAll(await renderJunit(passedRunEntries(), await tmp()), 'testsuite')[0]!;
    expectConsistentCounts(suite);
    expect(suite.attrs).toMatchObject({ failures: '0', errors: '0' });
  });
});
