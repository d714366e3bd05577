import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monotonicClock } from '../../../../harness/common/monotonic-clock.js';
import { startK6Load } from '../../../../harness/load/k6/driver.js';
import { summaryFromK6 } from '../../../../harness/load/k6/summary.js';

// k6 cannot run on this machine: test/helpers/fake-k6 plays it, in k6's formats.
const FAKE = path.resolve(import.meta.dirname, '../../../helpers/fake-k6/k6.mjs');
let dir: string;
const target = { host: '127.0.0.1', port: 5432, user: 'postgres', password: 'hunter2-secret', database: 'kdrill' };

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-k6-'));
  process.env.FAKE_K6_LOG = path.join(dir, 'k6.log');
});
afterEach(() => {
  delete process.env.FAKE_K6_LOG;
  rmSync(dir, { recursive: true, force: true });
});

describe('the k6 load driver', () => {
  it('runs the script with the database in KDRILL_* variables (the password only in the environment) and reads its summary export', async () => {
    const script = path.join(dir, 'load.js');
    writeFileSync(script, 'export default function () {}\n');
    const clock = monotonicClock();
    const running = await startK6Load({ script, target, rate: 100, concurrency: 3, clock, runDir: dir, maxDurationMs: 60_000, log: () => {}, k6: FAKE });
    const summary = await running.stop();
    const call = JSON.parse(readFileSync(path.join(dir, 'k6.log'), 'utf8').trim()) as { args: string[]; password: string };
    expect(call.password).toBe('hunter2-secret');
    expect(call.args.join(' ')).not.toContain('hunter2');
    expect(call.args).toEqual(expect.arrayContaining(['--vus', '3', '--duration', '60s', '-e', 'KDRILL_DB_HOST=127.0.0.1', '-e', 'KDRILL_DB_NAME=kdrill', '-e', 'KDRILL_RATE=100']));
    expect(summary.driver).toBe('k6');
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.failed).toBe(Math.round(summary.sent * 0.05));
    expect(summary.acked).toBe(summary.sent - summary.failed);
    expect(summary.meanLatencyMs).toBe(12.5);
    expect(summary.inDoubt).toBe(0);
  });

  it('a script k6 cannot load fails before the drill begins, with k6’s words', async () => {
    await expect(startK6Load({ script: path.join(dir, 'missing.js'), target, rate: 'max', concurrency: 1, clock: monotonicClock(), runDir: dir, maxDurationMs: 60_000, log: () => {}, k6: FAKE })).rejects.toThrow(
      /k6 stopped before the drill began \(exit 107\): .*couldn't be found on local disk/,
    );
  });

  it('says k6 is not installed, and how to get it', async () => {
    await expect(startK6Load({ script: 'x.js', target, rate: 1, concurrency: 1, clock: monotonicClock(), runDir: dir, maxDurationMs: 1_000, log: () => {}, k6: path.join(dir, 'no-k6') })).rejects.toThrow(/needs k6, which is not installed[\s\S]*install k6/);
  });

  it('a script without HTTP requests is summarised by iterations and failed checks', () => {
    const summary = summaryFromK6({ metrics: { iterations: { count: 200 }, checks: { passes: 190, fails: 10 }, iteration_duration: { avg: 4 } } }, 0, 10_000);
    expect(summary).toMatchObject({ sent: 200, acked: 190, failed: 10, ackedPerSecond: 19, meanLatencyMs: 4, errors: { 'k6: checks failed': 10 } });
  });
});
