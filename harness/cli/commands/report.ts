import path from 'node:path';
import { filesToShow, loadRunForReport, renderReports } from '../../report/api.js';
import { REPORT_FORMATS } from '../../scenario/schema/report.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

export const REPORT_CHOICES = REPORT_FORMATS;

// Re-renders reports of a finished (or crashed) run from its journal alone.
export async function reportCommand(runDir: string, opts: { format: string[]; out?: string }, output: Output): Promise<number> {
  const input = await loadRunForReport(runDir);
  const outDir = path.resolve(opts.out ?? runDir);
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
