import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendHistory, historyRecordOf, readHistory, regressions, type HistoryRecord } from '../../../harness/report/history.js';
import { inputFrom, passedRunEntries } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';

const run = (n: number, more: Partial<HistoryRecord> = {}): HistoryRecord => ({
  runId: `r${n}`,
  scenario: 'restore-check',
  tier: 'tier1',
  backend: 'local',
  startedWall: `2026-0${n}-01T00:00:00.000Z`,
  durationMs: 60_000,
  status: 'passed',
  rtoMs: 5_000,
  rpoMs: 0,
  runDir: `reports/r${n}`,
  ...more,
});

describe('run history', () => {
  const tmp = useTmpDirs();

  it('appends one record per run and reads them back oldest first, skipping a torn line', async () => {
    const file = path.join(await tmp(), 'history.jsonl');
    const input = inputFrom(passedRunEntries());
    await appendHistory(file, run(2));
    await appendHistory(file, historyRecordOf(input.plan, input.result, '/reports/x'));
    await writeFile(file, '{"scenario": "torn', { flag: 'a' });
    const { records, skipped } = await readHistory(file);
    expect(skipped).toBe(1);
    expect(records.map((r) => r.runId)).toEqual(['run-1', 'r2']); // 2024 before 2026
    expect(records[0]).toMatchObject({ scenario: 'primary-kill', tier: 'tier1', backend: 'fake', status: 'passed', runDir: '/reports/x' });
    expect((await readHistory(path.join(await tmp(), 'none.jsonl'))).records).toEqual([]);
  });

  it('flags an RTO worse than 1.5 × the median of the runs before, and a pass turned into a failure', () => {
    const steady = [run(1), run(2, { rtoMs: 5_400 }), run(3, { rtoMs: 4_800 })];
    expect(regressions([...steady, run(4, { rtoMs: 6_000 })])).toEqual([]); // within 1.5 ×
    expect(regressions([...steady, run(4, { rtoMs: 12_000 })])).toEqual([{ scenario: 'restore-check', what: 'RTO 12.0 s in the latest run, against a median of 5.0 s over the 3 before (+140 %)' }]);
    expect(regressions([...steady, run(4, { status: 'targets-missed' })])).toEqual([{ scenario: 'restore-check', what: 'targets-missed after a passed run (r3)' }]);
    // Milliseconds are jitter, not a regression: 40 ms against 10 ms is within the second of slack.
    expect(regressions([run(1, { rpoMs: 10 }), run(2, { rpoMs: 40 })])).toEqual([]);
    // One run is a series of one: nothing to compare.
    expect(regressions([run(1)])).toEqual([]);
  });
});
