import type { RunResult } from '../engine/index.js';
import type { JournalEntry } from '../journal/index.js';
import type { Plan } from '../scenario/plan-types.js';
import type { REPORT_FORMATS } from '../scenario/schema/report.js';

// A report format a scenario may ask for (`report.formats`): also the folder name of its renderer.
export type ReportFormat = (typeof REPORT_FORMATS)[number];

// Everything a renderer may read. All of it is recomputable from the run's journal.
export interface ReportInput {
  readonly plan: Plan;
  readonly result: RunResult;
  readonly entries: readonly JournalEntry[];
}

// Renders a finished run in one format. Inputs are redacted by the renderer before anything is written.
export interface Reporter {
  readonly format: ReportFormat;
  // Writes the format's files under `outDir` (created if missing) and returns their paths.
  render(input: ReportInput, outDir: string): Promise<string[]>;
}

// What renderReports did for one format: the files written, or why it could not write them.
export interface ReportOutcome {
  readonly format: ReportFormat;
  readonly files: readonly string[];
  readonly error?: Error;
}
