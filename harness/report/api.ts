import path from 'node:path';
import { ErrorCode, KdrillError } from '../common/errors.js';
import { allureReporter } from './allure/index.js';
import { allureHtmlReporter } from './allure-html/index.js';
import { htmlReporter } from './html/index.js';
import { jsonReporter } from './json/index.js';
import { junitReporter } from './junit/index.js';
import { markdownReporter } from './markdown/index.js';
import type { ReportFormat, ReportInput, ReportOutcome, Reporter } from './types.js';

export type { ReportFormat, ReportInput, ReportOutcome, Reporter } from './types.js';


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

