import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { spawnCli, tempDir, waitForOutput } from '../helpers/cli.js';
import { journalOf } from '../helpers/drill-results.js';

// A drill on the in-memory fake backend that holds a fault armed through a long pause,
// so the harness can be interrupted or killed while the fault is in effect. The fake backend
// has no database, so nothing is measured and such a drill never passes: it ends with its
// targets missed (not measured), exit 3, which is what these tests of the process expect.
const LONG_DRILL = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: interrupt-me
tier:
  name: tier2
target:
  backend: fake
steps:
  - fault: zone-outage
    name: cut-a
    zone: a
  - fault: node-freeze
    name: freeze-b
    node: b-1
  - pause: 2m
`;

// Allure's command line runs on Java, which scripts/setup --for-tests installs as root.
const javaUnavailable = spawnSync('java', ['-version']).status === 0 ? undefined : 'no java on PATH (run bash scripts/setup --for-tests as root)';

const SHORT_DRILL = LONG_DRILL.replace('  - pause: 2m', '  - pause: 100ms');

describe('kdrill run as a real process', { timeout: 60_000 }, () => {
  it('runs a short drill to its end, reverting every fault, and writes result.json and reports; with nothing measured it does not pass', async () => {
    await using dir = await tempDir();
    const file = await dir.write('short.yaml', SHORT_DRILL);
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir], dir.path);
    expect(await child.exited).toBe(ExitCode.targetsMissed);
    const entries = await journalOf(runDir);
    const reverted = entries.filter((e) => e.kind === 'fault-reverted').map((e) => e.kind === 'fault-reverted' && [e.fault, e.reason]);
    expect(reverted).toEqual([
      ['s2-freeze-b', 'end-of-drill'],
      ['s1-cut-a', 'end-of-drill'],
    ]);
    const result = JSON.parse(await readFile(path.join(runDir, 'result.json'), 'utf8'));
    expect(result.result.status).toBe('targets-missed');
    expect(result.result.targets.map((t: { status: string }) => t.status)).toEqual(['not-measured', 'not-measured']);
    expect(entries.at(-1)).toMatchObject({ kind: 'run-end', status: 'targets-missed' });
  });

  it('on SIGINT reverts every armed fault, newest first, and exits 6', async () => {
    await using dir = await tempDir();
    const file = await dir.write('long.yaml', LONG_DRILL);
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    await waitForOutput(child, (o) => o.stderr.includes('pause 2m'));
    // The faults are in effect now: the journal shows them armed and not reverted.
    const during = await journalOf(runDir);
    expect(during.filter((e) => e.kind === 'fault-injected')).toHaveLength(2);
    expect(during.filter((e) => e.kind === 'fault-reverted')).toHaveLength(0);
    child.kill('SIGINT');
    expect(await child.exited).toBe(ExitCode.interrupted);
    const entries = await journalOf(runDir);
    expect(entries.some((e) => e.kind === 'signal' && e.signal === 'SIGINT')).toBe(true);
    const reverted = entries.filter((e) => e.kind === 'fault-reverted').map((e) => e.kind === 'fault-reverted' && [e.fault, e.reason]);
    expect(reverted).toEqual([
      ['s2-freeze-b', 'interrupt'],
      ['s1-cut-a', 'interrupt'],
    ]);
    expect(entries.at(-1)).toMatchObject({ kind: 'run-end', status: 'interrupted' });
  });

  it('after the harness is killed mid-fault, kdrill cleanup reverts what the journal left armed', async () => {
    await using dir = await tempDir();
    const file = await dir.write('long.yaml', LONG_DRILL);
    const runDir = path.join(dir.path, 'reports', 'killed-run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    await waitForOutput(child, (o) => o.stderr.includes('pause 2m'));
    child.kill('SIGKILL');
    expect(await child.exited).toBe(null);
    const left = await journalOf(runDir);
    expect(left.some((e) => e.kind === 'run-end')).toBe(false);
    expect(left.filter((e) => e.kind === 'fault-armed')).toHaveLength(2);

    const cleanup = spawnCli(['cleanup', '--reports', path.join(dir.path, 'reports')], dir.path);
    expect(await cleanup.exited).toBe(ExitCode.passed);
    expect(cleanup.output().stdout).toContain('2 faults left armed: s1-cut-a, s2-freeze-b');
    const after = await journalOf(runDir);
    const reverted = after.filter((e) => e.kind === 'fault-reverted').map((e) => e.kind === 'fault-reverted' && [e.fault, e.reason]);
    expect(reverted).toEqual([
      ['s2-freeze-b', 'cleanup'],
      ['s1-cut-a', 'cleanup'],
    ]);

    const again = spawnCli(['cleanup', '--reports', path.join(dir.path, 'reports')], dir.path);
    expect(await again.exited).toBe(ExitCode.passed);
    expect(again.output().stdout).toContain('nothing to clean up');
  });

  it('kdrill report re-renders every format from the journal alone', async () => {
    await using dir = await tempDir();
    const file = await dir.write('short.yaml', SHORT_DRILL);
    const runDir = path.join(dir.path, 'run');
    expect(await spawnCli(['run', file, '--out', runDir], dir.path).exited).toBe(ExitCode.targetsMissed);
    const out = path.join(dir.path, 'rerendered');
    const report = spawnCli(['report', runDir, '--format', 'json', 'markdown', 'junit', 'html', 'allure', '--out', out], dir.path);
    expect(await report.exited).toBe(ExitCode.passed);
    const rerendered = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8'));
    const original = JSON.parse(await readFile(path.join(runDir, 'result.json'), 'utf8'));
    expect(rerendered.result).toEqual(original.result);
    expect(await readFile(path.join(out, 'junit.xml'), 'utf8')).toContain('<testsuite');
  });

  it.skipIf(javaUnavailable)(`kdrill report --format allure-html generates the Allure site (Java), one file that opens without a server${javaUnavailable ? ` (skipped: ${javaUnavailable})` : ''}`, async () => {
    await using dir = await tempDir();
    const file = await dir.write('short.yaml', SHORT_DRILL);
    const runDir = path.join(dir.path, 'run');
    expect(await spawnCli(['run', file, '--out', runDir], dir.path).exited).toBe(ExitCode.targetsMissed);
    const out = path.join(dir.path, 'site');
    const report = spawnCli(['report', runDir, '--format', 'allure-html', '--out', out], dir.path);
    expect(await report.exited, report.output().stderr).toBe(ExitCode.passed);
    const page = await readFile(path.join(out, 'allure-report', 'index.html'), 'utf8');
    // --single-file embeds each data file base64-encoded; the summary counts every case.
    const encoded = /widgets\/summary\.json','([A-Za-z0-9+/=]+)'/.exec(page)?.[1];
    expect(encoded).toBeDefined();
    const summary = JSON.parse(Buffer.from(encoded!, 'base64').toString('utf8')) as { statistic: { total: number; failed: number; broken: number } };
    const results = (await readdir(path.join(out, 'allure-results'))).filter((n) => n.endsWith('-result.json'));
    expect(summary.statistic.total).toBe(results.length);
    expect(summary.statistic.total).toBeGreaterThan(0);
    // The two targets that were not measured are the only failures: never met.
    expect(summary.statistic.failed + summary.statistic.broken).toBe(2);
  });

  it('every run joins its scenario\'s history; kdrill history shows the series and fails on a regression when asked', async () => {
    await using dir = await tempDir();
    const file = await dir.write('short.yaml', SHORT_DRILL);
    const reports = path.join(dir.path, 'reports');
    for (const n of [1, 2]) expect(await spawnCli(['run', file, '--out', path.join(reports, `run-${n}`)], dir.path).exited).toBe(ExitCode.targetsMissed);
    const shown = spawnCli(['history', '--reports', reports], dir.path);
    expect(await shown.exited).toBe(ExitCode.passed);
    const out = shown.output().stdout;
    expect(out).toMatch(/: 2 runs\n/);
    expect(out.match(/ targets-missed /g)).toHaveLength(2);
    expect(out).not.toContain('REGRESSION');

    // A history whose latest run took far longer to recover than the ones before.
    const record = (n: number, rtoMs: number) => JSON.stringify({ runId: `r${n}`, scenario: 'nightly', tier: 'tier1', backend: 'local', startedWall: `2026-01-0${n}T00:00:00.000Z`, durationMs: 1, status: 'passed', rtoMs, runDir: 'x' });
    const other = path.join(dir.path, 'other');
    await mkdir(other);
    await dir.write('other/history.jsonl', `${[record(1, 5_000), record(2, 5_200), record(3, 30_000)].join('\n')}\n`);
    const strict = spawnCli(['history', '--reports', other, '--fail-on-regression'], dir.path);
    expect(await strict.exited).toBe(ExitCode.targetsMissed);
    expect(strict.output().stdout).toContain('REGRESSION: RTO 30.0 s in the latest run, against a median of 5.1 s over the 2 before');
  });
});
