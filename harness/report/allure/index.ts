import { createHash } from 'node:crypto';
import path from 'node:path';
import { escapeProperty } from '../escape.js';
import { reportView, writeReportFile, type ReportCase, type ReportView } from '../model.js';
import type { Reporter } from '../types.js';

export const ALLURE_DIR = 'allure-results';

// The fields of an Allure 2 `*-result.json` that kdrill fills.
export interface AllureResult {
  readonly uuid: string;
  readonly historyId: string;
  readonly testCaseId: string;
  readonly name: string;
  readonly fullName: string;
  readonly status: ReportCase['status'];
  readonly statusDetails?: { readonly message?: string; readonly trace?: string };
  readonly stage: 'finished';
  readonly description?: string;
  readonly start: number;
  readonly stop: number;
  readonly labels: readonly { readonly name: string; readonly value: string }[];
  readonly parameters: readonly { readonly name: string; readonly value: string }[];
  readonly steps: readonly never[];
  readonly attachments: readonly never[];
}

function hash(algorithm: 'md5' | 'sha256', ...parts: string[]): string {
  return createHash(algorithm).update(parts.join('\u0000')).digest('hex');
}

// A UUID (version 8, RFC 9562) derived from the run and the case, so re-rendering a run
// overwrites its own files instead of adding duplicates.
function caseUuid(runId: string, caseId: string): string {
  const hex = hash('sha256', runId, caseId);
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// One Allure result per case; times are epoch ms (wall time at run start + monotonic offset).
export function allureResults(view: ReportView): AllureResult[] {
  const epoch = (offset: number): number => Math.round((Number.isNaN(view.startEpochMs) ? 0 : view.startEpochMs) + offset);
  return view.cases.map((c) => {
    const fullName = `${view.scenario}.${c.group}.${c.name}`;
    return {
      uuid: caseUuid(view.runId, c.id),
      historyId: hash('md5', view.scenario, c.name),
      testCaseId: hash('md5', view.scenario, c.id),
      name: c.name,
      fullName,
      status: c.status,
      ...(c.message || (c.detail && c.status !== 'passed') ? { statusDetails: { ...(c.message ? { message: c.message } : {}), ...(c.detail ? { trace: c.detail } : {}) } } : {}),
      stage: 'finished',
      ...(c.detail ? { description: c.detail } : {}),
      start: epoch(c.startAt),
      stop: epoch(c.stopAt),
      labels: [
        { name: 'suite', value: view.scenario },
        { name: 'subSuite', value: c.group },
        { name: 'tag', value: view.tier },
        { name: 'framework', value: 'kdrill' },
      ],
      parameters: [],
      steps: [],
      attachments: [],
    };
  });
}

// Allure's environment.properties: the run facts shown on the report's overview page.
export function environmentProperties(view: ReportView): string {
  const facts: [string, string][] = [
    ['scenario', view.scenario],
    ['run.id', view.runId],
    ['status', view.status],
    ['tier', view.tier],
    ['backend', view.backend],
    ['started', view.startedWall],
    ...(view.kdrillVersion ? ([['kdrill.version', view.kdrillVersion]] as [string, string][]) : []),
  ];
  return `${facts.map(([k, v]) => `${escapeProperty(k, true)}=${escapeProperty(v)}`).join('\n')}\n`;
}

export const allureReporter: Reporter = {
  format: 'allure',
  async render(input, outDir) {
    const view = reportView(input);
    const dir = path.join(outDir, ALLURE_DIR);
    const files = await Promise.all(allureResults(view).map((r) => writeReportFile(path.join(dir, `${r.uuid}-result.json`), `${JSON.stringify(r, null, 2)}\n`)));
    files.push(await writeReportFile(path.join(dir, 'environment.properties'), environmentProperties(view)));
    return files;
  },
};
