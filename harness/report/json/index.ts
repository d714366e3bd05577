import path from 'node:path';
import { redactInput, writeReportFile } from '../model.js';
import type { ReportInput, Reporter } from '../types.js';

export const RESULT_FILE = 'result.json';

// The machine-readable result: what dashboards, `jq` and later tools read. Bump on breaking change.
export interface ResultDocument {
  readonly schemaVersion: 1;
  readonly kdrillVersion?: string;
  readonly scenario: ReportInput['plan']['scenario'] & { readonly backend: string; readonly tier: string };
  readonly targets: ReportInput['plan']['targets'];
  readonly result: ReportInput['result'];
}

// Builds result.json's document from an input; redacted.
export function resultDocument(raw: ReportInput): ResultDocument {
  const { plan, result, entries } = redactInput(raw);
  const start = entries.find((e) => e.kind === 'run-start');
  const kdrillVersion = start?.kind === 'run-start' ? start.kdrillVersion : undefined;
  return {
    schemaVersion: 1,
    ...(kdrillVersion ? { kdrillVersion } : {}),
    scenario: { ...plan.scenario, backend: plan.backend, tier: plan.targets.tier },
    targets: plan.targets,
    result,
  };
}

export const jsonReporter: Reporter = {
  format: 'json',
  async render(input, outDir) {
    const text = `${JSON.stringify(resultDocument(input), null, 2)}\n`;
    return [await writeReportFile(path.join(outDir, RESULT_FILE), text)];
  },
};
