import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DamagedFileError, ErrorCode, printable, UsageError } from '../common/errors.js';
import { fileType } from '../common/jsonl-file.js';
import { resultFromJournal } from '../engine/index.js';
import { readJournal, type EntryOf, type ReadJournal } from '../journal/index.js';
import { JOURNAL_FILE } from '../journal/run-dir.js';
import type { ReportInput } from './types.js';

export interface RunToReport {
  readonly input: ReportInput;
  readonly journalPath: string;
  // The journal's last line was cut short (the harness died mid-write) and is left out.
  readonly truncated?: ReadJournal['truncated'];
}

// A run's report input rebuilt from `<runDir>/journal.jsonl` alone (`kdrill report`), checked
// as invalid input: the journal must start with one run-start entry and hold no other.
/**
 * @throws UsageError when `runDir` is not a directory; DamagedFileError JOURNAL_CORRUPT naming
 * file:line when the journal is missing, empty, not a regular file, too large or damaged.
 */
export async function readRunForReport(runDir: string): Promise<RunToReport> {
  const dir = await stat(runDir).catch((error: NodeJS.ErrnoException) => error);
  if (dir instanceof Error || !dir.isDirectory()) {
    const got = dir instanceof Error ? (dir.code === 'ENOENT' ? 'no such directory' : (dir.code ?? dir.message)) : fileType(dir);
    throw new UsageError(printable(`${runDir}: Expected a run directory (one holding ${JOURNAL_FILE}), got ${got}`), {
      hint: 'pass the directory a run wrote, like reports/<time>-<scenario>',
    });
  }
  const journalPath = path.join(runDir, JOURNAL_FILE);
  let read: ReadJournal;
  try {
    read = await readJournal(journalPath);
  } catch (error) {
    if (error instanceof DamagedFileError && error.line === undefined) {
      throw new DamagedFileError(ErrorCode.JOURNAL_CORRUPT, journalPath, undefined, error.detail, {
        cause: error,
        hint: 'is this a run directory? every run writes its journal there before touching anything',
      });
    }
    throw error;
  }
  const { entries } = read;
  const corrupt = (line: number | undefined, message: string) => new DamagedFileError(ErrorCode.JOURNAL_CORRUPT, journalPath, line, message, { hint: 'there is nothing to report without the run-start entry a run journals first' });
  const first = entries[0];
  if (!first) {
    throw corrupt(read.truncated ? 1 : undefined, read.truncated ? 'Expected a run-start entry on line 1, got only a line cut short (the run died before it journalled its plan)' : 'Expected a run journal (one JSON entry per line, run-start first), got an empty file');
  }
  if (first.kind !== 'run-start') throw corrupt(1, `Expected the first entry (line 1) to be run-start, got a \`${first.kind}\` entry`);
  const again = entries.findIndex((e, i) => i > 0 && e.kind === 'run-start');
  if (again > 0) {
    const other = (entries[again] as EntryOf<'run-start'>).runId;
    throw corrupt(again + 1, `Expected one run-start entry (run ${first.runId}), got a second on line ${again + 1} (run ${other}): two runs in one journal`);
  }
  return {
    input: { plan: first.plan, result: resultFromJournal(entries, journalPath), entries },
    journalPath,
    ...(read.truncated ? { truncated: read.truncated } : {}),
  };
}
