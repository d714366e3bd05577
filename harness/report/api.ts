import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, KdrillError } from '../common/errors.js';
import { readJournal, resultFromJournal, type EntryOf } from '../engine/index.js';
import { allureReporter } from './allure/index.js';
import { allureHtmlReporter } from './allure-html/index.js';
import { htmlReporter } from './html/index.js';
import { jsonReporter } from './json/index.js';
import { junitReporter } from './junit/index.js';
import { markdownReporter } from './markdown/index.js';
import type { ReportFormat, ReportInput, ReportOutcome, Reporter } from './types.js';

export type { ReportFormat, ReportInput, ReportOutcome, Reporter } from './types.js';

export const JOURNAL_FILE = 'journal.jsonl';

// Every report format, keyed by its format name (which is also its folder name).
export const REPORTERS: ReadonlyMap<ReportFormat, Reporter> = new Map<ReportFormat, Reporter>(
  [jsonReporter, markdownReporter, htmlReporter, junitReporter, allureReporter, allureHtmlReporter].map((r) => [r.format, r]),
);

// Renders each format (once, in the order given). A reporter that throws is recorded in its
// outcome and does not stop the others, nor change the run's verdict.
export async function renderReports(
  input: ReportInput,
  formats: readonly ReportFormat[],
  outDir: string,
  reporters: ReadonlyMap<ReportFormat, Reporter> = REPORTERS,
): Promise<ReportOutcome[]> {
  return Promise.all(
    [...new Set(formats)].map(async (format): Promise<ReportOutcome> => {
      try {
        const reporter = reporters.get(format);
        if (!reporter) throw new KdrillError(ErrorCode.INTERNAL, `no reporter for format ${format}`);
        return { format, files: await reporter.render(input, outDir) };
      } catch (error) {
        return { format, files: [], error: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
}

// What to name when a format is done: its files, or for a format that writes a directory of
// them (allure results) that directory, and any file it wrote elsewhere (the Allure site).
export function filesToShow(outcome: ReportOutcome): string[] {
  if (outcome.files.length <= 2) return [...outcome.files];
  const dir = path.dirname(outcome.files[0]!);
  return [dir, ...outcome.files.filter((f) => path.dirname(f) !== dir)];
}

// Rebuilds a run's report input from `<runDir>/journal.jsonl` alone (`kdrill report`).
/**
 * @throws KdrillError RUN_DIR when the directory or its journal is missing, or the journal has
 * no run-start entry; JOURNAL_CORRUPT when a line of the journal is not a journal entry.
 */
export async function loadRunForReport(runDir: string): Promise<ReportInput> {
  const journalPath = path.join(runDir, JOURNAL_FILE);
  const dir = await stat(runDir).catch(() => undefined);
  if (!dir?.isDirectory()) {
    throw new KdrillError(ErrorCode.RUN_DIR, `no run directory at ${runDir}`, { hint: 'pass the directory a run wrote (it holds journal.jsonl), like reports/<time>-<scenario>' });
  }
  const file = await stat(journalPath).catch(() => undefined);
  if (!file?.isFile()) {
    throw new KdrillError(ErrorCode.RUN_DIR, `no ${JOURNAL_FILE} in ${runDir}`, { hint: 'is this a run directory? every run writes its journal there before touching anything' });
  }
  const { entries } = await readJournal(journalPath);
  const start = entries.find((e): e is EntryOf<'run-start'> => e.kind === 'run-start');
  if (!start) {
    throw new KdrillError(ErrorCode.RUN_DIR, `${journalPath} has no run-start entry`, { hint: 'the run stopped before it journalled its plan; there is nothing to report' });
  }
  return { plan: start.plan, result: resultFromJournal(entries, journalPath), entries };
}
