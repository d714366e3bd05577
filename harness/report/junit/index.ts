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

// A testcase holds at most one failure or error: the schema has no skipped, nor output per case.
function testcase(view: ReportView, c: ReportCase): string {
  const open = `    <testcase name="${x(c.name)}" classname="${x(`${view.scenario}.${c.group}`)}" time="${seconds(c.stopAt - c.startAt)}"`;
  const message = c.message ?? '';
  const body = x([c.message, c.detail].filter((s) => s).join('\n'));
  if (c.status === 'failed') return `${open}>\n      <failure message="${x(message)}" type="${FAILURE_TYPES[c.group]}">${body}</failure>\n    </testcase>`;
  if (c.status === 'broken') return `${open}>\n      <error message="${x(message)}" type="${c.group === 'run' ? `run-${view.status}` : 'indeterminate'}">${body}</error>\n    </testcase>`;
  return `${open}/>`;
}

/**
 * The run as Apache Ant's JUnit report, the format every CI test tab reads, valid against
 * its common schema (Windy Road's JUnit.xsd): one <testsuite> named after the scenario, a
 * testcase per step, target and verification that was judged, and one for the run itself
 * when it failed as a whole. The schema knows no skipped test: steps that never ran and
 * targets not measured are listed in the suite's <system-out>, with each passed case's detail.
 */
export function renderJunit(view: ReportView): string {
  const judged = view.cases.filter((c) => c.status !== 'skipped');
  const count = (status: ReportCase['status']): number => judged.filter((c) => c.status === status).length;
  const properties = [
    ['kdrill.run-id', view.runId],
    ['kdrill.status', view.status],
    ['kdrill.tier', view.tier],
    ['kdrill.backend', view.backend],
    ...(view.kdrillVersion ? [['kdrill.version', view.kdrillVersion]] : []),
  ].map(([name, value]) => `      <property name="${x(name ?? '')}" value="${x(value ?? '')}"/>`);
  const out = [
    `${view.verdict}: ${view.explanation}`,
    ...view.cases.filter((c) => c.status === 'skipped').map((c) => `not judged: ${c.name}${c.message ? ` (${c.message})` : ''}`),
    ...judged.filter((c) => c.status === 'passed' && c.detail).map((c) => `${c.name}: ${c.detail}`),
  ];
  // The run's clock is UTC; the schema's timestamp carries no zone. No host is recorded in the
  // journal, and a re-rendered report must not name the machine it was rendered on.
  const attrs = `name="${x(view.scenario)}" timestamp="${timestamp(view.startEpochMs)}" hostname="localhost" tests="${judged.length}" failures="${count('failed')}" errors="${count('broken')}" time="${seconds(view.durationMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    `  <testsuite package="kdrill" id="0" ${attrs}>`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...judged.map((c) => testcase(view, c)),
    `    <system-out>${x(out.join('\n'))}</system-out>`,
    '    <system-err/>',
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
