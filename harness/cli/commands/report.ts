import path from 'node:path';
import { printable, quoteText } from '../../common/errors.js';
import { filesToShow, renderReports } from '../../report/api.js';
import { readRunForReport } from '../../report/load-run.js';
import { REPORT_FORMATS } from '../../scenario/schema/report.js';
import { ExitCode } from '../exit-codes.js';
import { prepareReportOutDir } from '../out-dir.js';
import type { Output } from '../output.js';

export const REPORT_CHOICES = REPORT_FORMATS;

// Re-renders reports of a finished (or crashed) run from its journal alone. A missing or
// damaged journal, and an --out that is not this run's to write (prepareReportOutDir), are
// invalid input (exit 2) before anything is written; a reporter that fails is named (exit 1).
export async function reportCommand(runDir: string, opts: { format: string[]; out?: string }, output: Output): Promise<number> {
  const dir = path.resolve(runDir);
  const { input, journalPath, truncated } = await readRunForReport(dir);
  if (truncated) output.err(printable(`${journalPath}:${truncated.line}: warning: the last line was cut short (the run died mid-write) and is left out: ${quoteText(truncated.text)}`));
  const outDir = await prepareReportOutDir(opts.out ?? dir, { runDir: dir, runId: input.result.runId });
  const rendered = await renderReports(input, opts.format as Parameters<typeof renderReports>[1], outDir);
  let failed = false;
  for (const r of rendered) {
    if (r.error) {
      failed = true;
      output.err(`kdrill: the ${r.format} report failed: ${r.error.message}`);
    }
    for (const f of filesToShow(r)) output.out(`${r.format}: ${f}`);
  }
  return failed ? ExitCode.harnessError : ExitCode.passed;
}
