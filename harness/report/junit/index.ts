import path from 'node:path';
import { escapeXml as x } from '../escape.js';
import { reportView, writeReportFile, type ReportCase, type ReportView } from '../model.js';
import type { Reporter } from '../types.js';

export const JUNIT_FILE = 'junit.xml';

const FAILURE_TYPES: Readonly<Record<ReportCase['group'], string>> = {
  step: 'step-failed',
  target: 'target-missed',
  verification: 'verification-failed',
  run: 'run-failed',
};

// Seconds with millisecond precision, never negative: the XSD's `time` attribute.
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

// The XSD's `timestamp`: an ISO 8601 date-time without a zone (it is UTC).
function timestamp(epochMs: number): string {
  return Number.isNaN(epochMs) ? '1970-01-01T00:00:00' : new Date(epochMs).toISOString().slice(0, 19);
}

function testcase(view: ReportView, c: ReportCase): string {
  const open = `    <testcase name="${x(c.name)}" classname="${x(`${view.scenario}.${c.group}`)}" time="${seconds(c.stopAt - c.startAt)}"`;
  const children: string[] = [];
  const message = c.message ?? '';
  const body = [c.message, c.detail].filter((s) => s).join('\n');
  if (c.status === 'failed') children.push(`      <failure message="${x(message)}" type="${FAILURE_TYPES[c.group]}">${x(body)}</failure>`);
  if (c.status === 'broken') children.push(`      <error message="${x(message)}" type="${c.group === 'run' ? `run-${view.status}` : 'indeterminate'}">${x(body)}</error>`);
  if (c.status === 'skipped') children.push(`      <skipped message="${x(message)}"/>`);
  if (c.status === 'passed' && c.detail) children.push(`      <system-out>${x(c.detail)}</system-out>`);
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.join('\n')}\n    </testcase>`;
}

// One <testsuite> named after the scenario: a testcase per step, target, verification and, when
// the run itself failed, one for the run. Counts follow the common JUnit XSD (Jenkins, GitLab).
export function renderJunit(view: ReportView): string {
  const count = (status: ReportCase['status']): number => view.cases.filter((c) => c.status === status).length;
  const totals = `tests="${view.cases.length}" failures="${count('failed')}" errors="${count('broken')}"`;
  const time = `time="${seconds(view.durationMs)}"`;
  const properties = [
    ['kdrill.run-id', view.runId],
    ['kdrill.status', view.status],
    ['kdrill.tier', view.tier],
    ['kdrill.backend', view.backend],
    ...(view.kdrillVersion ? [['kdrill.version', view.kdrillVersion]] : []),
  ].map(([name, value]) => `      <property name="${x(name ?? '')}" value="${x(value ?? '')}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kdrill" ${totals} ${time}>`,
    `  <testsuite name="${x(view.scenario)}" ${totals} skipped="${count('skipped')}" ${time} timestamp="${timestamp(view.startEpochMs)}">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...view.cases.map((c) => testcase(view, c)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export const junitReporter: Reporter = {
  format: 'junit',
  async render(input, outDir) {
    return [await writeReportFile(path.join(outDir, JUNIT_FILE), renderJunit(reportView(input)))];
  },
};
