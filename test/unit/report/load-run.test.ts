import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../../harness/cli/errors-to-exit.js';
import { ExitCode } from '../../../harness/cli/exit-codes.js';
import { DamagedFileError, ErrorCode, UsageError } from '../../../harness/common/errors.js';
import { readRunForReport } from '../../../harness/report/load-run.js';
import { failedRunEntries, j, makePlan } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';

const lines = (...entries: unknown[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

async function refusal(runDir: string): Promise<Error> {
  const error = await readRunForReport(runDir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(exitCodeForError(error)).toBe(ExitCode.invalidInput);
  return error as Error;
}

describe('readRunForReport', () => {
  const tmp = useTmpDirs();

  it('rebuilds the report input from the journal, and reports a cut-short last line', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'journal.jsonl'), `${lines(...failedRunEntries())}{"kind":"obs`);
    const run = await readRunForReport(dir);
    expect(run.input.plan).toEqual(JSON.parse(JSON.stringify(makePlan())));
    expect(run.input.result).toMatchObject({ runId: 'run-1', status: 'errored' });
    expect(run.truncated).toEqual({ line: failedRunEntries().length + 1, text: '{"kind":"obs' });
  });

  it('refuses a missing or non-directory run directory as a usage error', async () => {
    const dir = await tmp();
    const nope = path.join(dir, 'nope');
    expect(await refusal(nope)).toMatchObject({ name: 'UsageError', shortMessage: `${nope}: Expected a run directory (one holding journal.jsonl), got no such directory` });
    await writeFile(path.join(dir, 'file'), 'x');
    const error = await refusal(path.join(dir, 'file'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ shortMessage: `${path.join(dir, 'file')}: Expected a run directory (one holding journal.jsonl), got a regular file` });
  });

  it('refuses a missing journal, naming it, with a hint', async () => {
    const dir = await tmp();
    const journal = path.join(dir, 'journal.jsonl');
    const error = await refusal(dir);
    expect(error).toBeInstanceOf(DamagedFileError);
    expect(error).toMatchObject({ code: ErrorCode.JOURNAL_CORRUPT, file: journal, shortMessage: `${journal}: Expected a run journal here, got no such file` });
    expect((error as DamagedFileError).hint).toContain('is this a run directory?');
  });

  it('refuses an empty journal, and one holding only a cut-short line', async () => {
    const dir = await tmp();
    const journal = path.join(dir, 'journal.jsonl');
    await writeFile(journal, '');
    expect(await refusal(dir)).toMatchObject({ code: ErrorCode.JOURNAL_CORRUPT, shortMessage: `${journal}: Expected a run journal (one JSON entry per line, run-start first), got an empty file` });
    await writeFile(journal, '{"kind":"run-st');
    expect(await refusal(dir)).toMatchObject({ line: 1, shortMessage: `${journal}:1: Expected a run-start entry on line 1, got only a line cut short (the run died before it journalled its plan)` });
  });

  it('refuses a journal whose first entry is not run-start, or that holds two runs', async () => {
    const dir = await tmp();
    const journal = path.join(dir, 'journal.jsonl');
    await writeFile(journal, lines(j.invoke(1, 's1', 'pause')));
    expect(await refusal(dir)).toMatchObject({ line: 1, shortMessage: `${journal}:1: Expected the first entry (line 1) to be run-start, got a \`step-invoke\` entry` });
    const other = { ...j.start(5, makePlan()), runId: 'run-2' };
    await writeFile(journal, lines(j.start(0, makePlan()), j.invoke(1, 's1', 'pause'), other));
    expect(await refusal(dir)).toMatchObject({ line: 3, shortMessage: `${journal}:3: Expected one run-start entry (run run-1), got a second on line 3 (run run-2): two runs in one journal` });
  });

  it('refuses a run-start without runId (the crash the tester found: `undefined` in a message)', async () => {
    const dir = await tmp();
    const journal = path.join(dir, 'journal.jsonl');
    const { runId: _, ...start } = j.start(0, makePlan()) as { runId: string };
    await writeFile(journal, lines(start, j.end(5, 'passed')));
    const error = await refusal(dir);
    expect(error).toMatchObject({ line: 1, shortMessage: `${journal}:1: run-start entry: Expected \`runId\` (required) to be a string, got nothing` });
    expect(error.message).not.toContain('undefined');
  });
});
