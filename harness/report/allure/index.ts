import { createHash } from 'node:crypto';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { LabelName, Stage, Status, type TestResult } from 'allure-js-commons';
import type { Category } from 'allure-js-commons/sdk';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';
import { reportView, type ReportCase, type ReportView } from '../model.js';
import type { Reporter } from '../types.js';

export const ALLURE_DIR = 'allure-results';

// A case's status as Allure's.
const STATUS: Readonly<Record<ReportCase['status'], Status>> = { passed: Status.PASSED, failed: Status.FAILED, broken: Status.BROKEN, skipped: Status.SKIPPED };

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
export function allureResults(view: ReportView): TestResult[] {
  const epoch = (offset: number): number => Math.round((Number.isNaN(view.startEpochMs) ? 0 : view.startEpochMs) + offset);
  return view.cases.map((c): TestResult => {
    const fullName = `${view.scenario}.${c.group}.${c.name}`;
    return {
      uuid: caseUuid(view.runId, c.id),
      historyId: hash('md5', view.scenario, c.name),
      testCaseId: hash('md5', view.scenario, c.id),
      name: c.name,
      fullName,
      status: STATUS[c.status],
      statusDetails: { ...(c.message ? { message: c.message } : {}), ...(c.detail && c.status !== 'passed' ? { trace: c.detail } : {}) },
      stage: Stage.FINISHED,
      ...(c.detail ? { description: c.detail } : {}),
      start: epoch(c.startAt),
      stop: epoch(c.stopAt),
      labels: [
        { name: LabelName.SUITE, value: view.scenario },
        { name: LabelName.SUB_SUITE, value: c.group },
        { name: LabelName.TAG, value: view.tier },
        { name: LabelName.FRAMEWORK, value: 'kdrill' },
      ],
      links: [],
      parameters: [],
      steps: [],
      attachments: [],
    };
  });
}

// Allure's environment.properties: the run facts shown on the report's overview page.
export function environmentInfo(view: ReportView): Record<string, string> {
  return {
    scenario: view.scenario,
    'run.id': view.runId,
    status: view.status,
    tier: view.tier,
    backend: view.backend,
    started: view.startedWall,
    ...(view.kdrillVersion ? { 'kdrill.version': view.kdrillVersion } : {}),
  };
}

// How Allure groups what went wrong, on its Categories page.
export const CATEGORIES: Category[] = [
  { name: 'Targets missed', matchedStatuses: [Status.FAILED], messageRegex: '.*required.*' },
  { name: 'Data integrity failed', matchedStatuses: [Status.FAILED], messageRegex: '(?s).*(lost|phantom|duplicate|hole|overshoot|checksum|corrupt).*' },
  { name: 'Not judged', matchedStatuses: [Status.BROKEN] },
];

// Written with allure-js-commons' FileSystemWriter: `<uuid>-result.json` per case,
// environment.properties and categories.json in `<outDir>/allure-results`.
export const allureReporter: Reporter = {
  format: 'allure',
  async render(input, outDir) {
    const view = reportView(input);
    const dir = path.join(outDir, ALLURE_DIR);
    await mkdir(dir, { recursive: true });
    const writer = new FileSystemWriter({ resultsDir: dir });
    const results = allureResults(view);
    for (const r of results) writer.writeResult(r);
    writer.writeEnvironmentInfo(environmentInfo(view));
    writer.writeCategoriesDefinitions(CATEGORIES);
    return [...results.map((r) => path.join(dir, `${r.uuid}-result.json`)), path.join(dir, 'environment.properties'), path.join(dir, 'categories.json')];
  },
};
