import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { junitReporter } from '../../../harness/report/junit/index.js';
import { failedRunEntries, inputFrom, passedRunEntries } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';
import { junitSchemaErrors, junitSchemaUnavailable } from '../../helpers/junit-schema.js';
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
    expect(suite.attrs).toMatchObject({ package: 'kdrill', id: '0', name: 'primary-kill', timestamp: '2024-05-01T10:00:00', hostname: 'localhost', time: '1.000' });
    expectConsistentCounts(suite);
  });

  it('has a testcase per judged step, target and verification, a failure for the failed step and an error for the errored run', async () => {
    const suite = findAll(await renderJunit(failedRunEntries(), await tmp()), 'testsuite')[0]!;
    const cases = findAll(suite, 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual([
      's1 kill primary',
      's2 wait for new leader',
      's3 <script>alert("x")</script>',
      'target RTO ≤ 1m',
      'target RPO ≤ 0s',
      'run ERRORED',
    ]);
    const byName = new Map(cases.map((c) => [c.attrs['name'], c]));
    const failure = findAll(byName.get('s2 wait for new leader')!, 'failure');
    expect(failure).toHaveLength(1);
    expect(failure[0]!.attrs).toEqual({ message: 'STEP_FAILED: no leader after 500ms: password=[redacted] rejected', type: 'step-failed' });
    expect(byName.get('s1 kill primary')!.attrs['time']).toBe('0.050');
    // The schema has no skipped test: a step that never ran is named in the suite's output, as
    // is a verification that never ran. A target that was not measured is a failure: never met.
    const out = findAll(suite, 'system-out')[0]!.text;
    for (const name of ['s4 pause', 'verify ledger-readback']) expect(out).toContain(`not judged: ${name}`);
    expect(findAll(byName.get('target RTO ≤ 1m')!, 'failure')[0]!.attrs['message']).toBe('RTO not measured: not measured: the run produced no such measurement');
    const error = findAll(byName.get('run ERRORED')!, 'error');
    expect(error[0]!.attrs).toEqual({ message: 'backend said: password=[redacted]', type: 'run-errored' });
    expect(findAll(suite, 'failure')).toHaveLength(3);
  });

  it('has no failure or error for a passed run, and gives each fault step its own window\'s figures', async () => {
    const suite = findAll(await renderJunit(passedRunEntries(), await tmp()), 'testsuite')[0]!;
    expectConsistentCounts(suite);
    expect(suite.attrs).toMatchObject({ failures: '0', errors: '0' });
    const out = findAll(suite, 'system-out')[0]!.text;
    expect(out).toContain('s1 kill primary: f1: t0 +12ms (10:00:00.012Z) (1 ms after arming); rto 28 ms');
  });

  it.skipIf(junitSchemaUnavailable())(`validates against the common JUnit schema${junitSchemaUnavailable() ? ` (skipped: ${junitSchemaUnavailable()})` : ''}`, async () => {
    for (const entries of [failedRunEntries(), passedRunEntries()]) {
      const [file] = await junitReporter.render(inputFrom(entries), await tmp());
      expect(await junitSchemaErrors(file!)).toEqual([]);
    }
    // And the check itself rejects what the schema forbids.
    const bad = `${await tmp()}/bad.xml`;
    await writeFile(bad, '<?xml version="1.0"?><testsuites><testsuite name="x"><testcase name="a"><skipped/></testcase></testsuite></testsuites>');
    expect((await junitSchemaErrors(bad)).length).toBeGreaterThan(0);
  });
});
