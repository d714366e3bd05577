import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../../harness/cli/errors-to-exit.js';
import { ExitCode } from '../../../harness/cli/exit-codes.js';
import { DamagedFileError, ErrorCode } from '../../../harness/common/errors.js';
import { appendHistory, HISTORY_LIMITS, historyRecordOf, readHistory, regressions, type HistoryRecord } from '../../../harness/report/history.js';
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

  it('appends one record per run and reads them back oldest first, leaving out a torn last line', async () => {
    const file = path.join(await tmp(), 'history.jsonl');
    const input = inputFrom(passedRunEntries());
    await appendHistory(file, run(2));
    await appendHistory(file, historyRecordOf(input.plan, input.result, '/reports/x'));
    await writeFile(file, '{"scenario": "torn', { flag: 'a' });
    const { records, truncated } = await readHistory(file);
    expect(truncated).toEqual({ line: 3, text: '{"scenario": "torn' });
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

// A damaged history is invalid input: a DamagedFileError (HISTORY_CORRUPT, exit 2) naming file:line.
describe('run history read back', () => {
  const tmp = useTmpDirs();
  const line = (r: unknown) => `${JSON.stringify(r)}\n`;

  async function refusal(file: string): Promise<DamagedFileError> {
    const error = await readHistory(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DamagedFileError);
    expect(error).toMatchObject({ code: ErrorCode.HISTORY_CORRUPT, file });
    expect(exitCodeForError(error)).toBe(ExitCode.invalidInput);
    return error as DamagedFileError;
  }

  it('refuses a record that is a string, an array or a number, naming file:line', async () => {
    const file = path.join(await tmp(), 'history.jsonl');
    for (const [value, shown] of [['"a run"', '`"a run"` (string)'], ['[1,2,3]', '`[1,2,3]` (array)'], ['7', '`7` (number)']] as const) {
      await writeFile(file, `${line(run(1))}${value}\n${line(run(2))}`);
      const error = await refusal(file);
      expect(error.line).toBe(2);
      expect(error.shortMessage).toBe(`${file}:2: Expected a run record (a JSON object), got ${shown}`);
    }
  });

  it('refuses a record missing a field or with one of the wrong type', async () => {
    const file = path.join(await tmp(), 'history.jsonl');
    const { startedWall: _, ...noStart } = run(2);
    await writeFile(file, `${line(run(1))}${line(noStart)}`);
    expect((await refusal(file)).shortMessage).toBe(`${file}:2: run record: Expected \`startedWall\` (required) to be a string, got nothing`);
    await writeFile(file, line({ ...run(1), durationMs: '60s' }));
    expect((await refusal(file)).shortMessage).toBe(`${file}:1: run record: Expected \`durationMs\` to be a number, got \`"60s"\` (string)`);
    await writeFile(file, line({ ...run(1), status: 'green' }));
    expect((await refusal(file)).shortMessage).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1: run record: Expected \`status\` to be one of "passed", .*, got \`"green"\` \\(string\\)$`));
  });

  it('refuses a line that is not JSON anywhere but a torn last line, quoting it without control characters', async () => {
    const file = path.join(await tmp(), 'history.jsonl');
    await writeFile(file, `${line(run(1))}{"runId": "r2\u0007\u009b[31m\n${line(run(3))}`);
    const error = await refusal(file);
    expect(error.shortMessage).toMatch(/:2: Expected line 2 to be a run record \(a JSON object\), got `\{"runId": "r2\\u0007\\u009b\[31m` \(not JSON: /);
    expect(error.shortMessage).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('refuses a FIFO or a device as the history, at once; a missing file holds no runs', async () => {
    const dir = await tmp();
    const fifo = path.join(dir, 'history.jsonl');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal(fifo)).shortMessage).toBe(`${fifo}: Expected the run history to be a regular file, got a FIFO`);
    expect((await refusal('/dev/zero')).shortMessage).toBe('/dev/zero: Expected the run history to be a regular file, got a character device');
    expect(await readHistory(path.join(dir, 'none.jsonl'))).toEqual({ records: [] });
  });

  it('refuses a line over the 1 MiB limit', async () => {
    const file = path.join(await tmp(), 'history.jsonl');
    await writeFile(file, `${line(run(1))}${line({ ...run(2), note: 'n'.repeat(HISTORY_LIMITS.maxLineBytes) })}`);
    expect((await refusal(file)).shortMessage).toBe(`${file}:2: Expected line 2 to be at most 1 MiB, got a longer line`);
  });

  it('drops a torn last record before appending, so the history stays readable', async () => {
    const file = path.join(await tmp(), 'history.jsonl');
    await appendHistory(file, run(1));
    await writeFile(file, '{"runId": "torn', { flag: 'a' });
    await appendHistory(file, run(2));
    expect((await readFile(file, 'utf8')).split('\n')).toEqual([JSON.stringify(run(1)), JSON.stringify(run(2)), '']);
    expect((await readHistory(file)).records.map((r) => r.runId)).toEqual([run(1).runId, run(2).runId]);
  });

  it('will not append to a FIFO (the end of a drill must not hang)', async () => {
    const fifo = path.join(await tmp(), 'history.jsonl');
    execFileSync('mkfifo', [fifo]);
    await expect(appendHistory(fifo, run(1))).rejects.toMatchObject({ code: ErrorCode.RUN_DIR, shortMessage: `${fifo}: Expected the run history to be a regular file, got a FIFO` });
  });
});
