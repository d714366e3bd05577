import path from 'node:path';
import type { RunStatus } from '../../journal/index.js';
import { escapeXml as h } from '../escape.js';
import { reportView, statusLabel, writeReportFile, type ReportView } from '../model.js';
import type { Reporter } from '../types.js';
import { formatDuration } from '../../model/duration.js';
import { timelineChart } from './chart.js';

export const HTML_FILE = 'report.html';

// Banner colours: green passed, amber judged-but-missed, red broken runs, purple faults left armed.
const BANNER: Readonly<Record<RunStatus, string>> = {
  passed: '#1a7f37',
  'targets-missed': '#9a6700',
  'integrity-failed': '#cf222e',
  aborted: '#bc4c00',
  interrupted: '#6e7781',
  errored: '#cf222e',
  'cleanup-incomplete': '#8250df',
};

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1100px;margin:0 auto;padding:0 24px 32px}
.banner{color:#fff;padding:20px 24px}
.banner h1{margin:0;font-size:28px;letter-spacing:.04em}
.banner p{margin:4px 0 0}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.detail{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word}
.ok,.met,.passed{color:#1a7f37;font-weight:600}
.fail,.missed,.failed{color:#cf222e;font-weight:600}
.info,.broken,.unknown{color:#9a6700;font-weight:600}
.problems{background:#ffebe9;border-bottom:1px solid #cf222e;padding:10px 24px}
.problems h2{border:0;margin:0 0 4px;padding:0;font-size:16px;color:#cf222e}
.problems ul{margin:0;padding-left:20px}
.error{background:#ffebe9;border:1px solid #cf222e;padding:8px 12px;white-space:pre-wrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{font-weight:600}dd{margin:0}
footer{color:#6e7781;font-size:12px;margin-top:32px}
svg.timeline{display:block;max-width:100%;height:auto;margin:8px 0}
`.trim();

// A table whose cells are escaped text; `classes` maps a column index to the class of its cells.
function table(head: readonly string[], rows: readonly (readonly string[])[], classes: Readonly<Record<number, (cell: string) => string>> = {}): string {
  const th = head.map((c) => `<th>${h(c)}</th>`).join('');
  const tr = rows.map((row) => `<tr>${row.map((c, i) => `<td${classes[i] ? ` class="${h(classes[i](c))}"` : ''}>${h(c)}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr.join('\n')}\n</tbody></table>`;
}

const slug = (text: string): string => text.replace(/[^a-z]+/gi, '-');

// One self-contained page (inline CSS and SVG, no scripts, no external resources): verdict
// banner, run facts, targets, the timeline chart, step log, faults and verifications.
export function renderHtml(view: ReportView): string {
  const sections: string[] = [];
  if (view.error) sections.push(`<h2>Error</h2>\n<div class="error">${h(view.error)}</div>`);
  sections.push(
    '<h2>Targets</h2>',
    table(['target', 'required', 'measured', 'verdict', 'how derived'], view.targets.map((t) => [t.name, t.required, t.measured, t.verdict, t.derivation]), { 3: slug }),
  );
  sections.push('<h2>Timeline</h2>', timelineChart(view.timeline));
  if (view.measurements.length > 0) sections.push('<h2>Measurements</h2>', '<p>The run\'s figures: for each, the worst fault\'s window.</p>', table(['measurement', 'value', 'how derived'], view.measurements.map((m) => [m.name, m.value, m.why]), { 2: () => 'detail' }));
  for (const w of view.windows) {
    sections.push(`<h3>Fault ${h(w.fault)} (${h(w.type)})</h3>`, `<p>Harm took effect (t0) at ${h(w.t0)}, ${h(w.armedToEffective)} after its revert record was journalled.${w.milestones.length ? ` Then: ${w.milestones.map(h).join('; ')}.` : ''}</p>`, table(['measurement', 'value', 'how derived'], w.figures.map((f) => [f.name, f.value, f.why]), { 2: () => 'detail' }));
  }
  if (view.load) sections.push('<h2>Load</h2>', `<p>${h(view.load.driver)}: ${h(view.load.summary)}.${view.load.errors.length ? ` Errors: ${view.load.errors.map(h).join('; ')}.` : ''}</p>`);
  sections.push(
    '<h2>Steps</h2>',
    view.steps.length === 0
      ? '<p>No step ran.</p>'
      : table(['step', 'name', 'kind', 'outcome', 'start', 'end', 'took', 'detail'], view.steps.map((s) => [s.id, s.name, s.kind, s.outcome, s.start, s.end, s.duration, s.detail]), { 3: slug, 7: () => 'detail' }),
  );
  sections.push(
    '<h2>Faults</h2>',
    view.faults.length === 0 ? '<p>No fault was armed.</p>' : table(['fault', 'step', 'type', 'armed', 'took effect (t0)', 'injector returned', 'reverted'], view.faults.map((f) => [f.id, f.step, f.type, f.armed, f.effective, f.injected, f.reverted])),
  );
  if (view.planning.length) sections.push('<h2>Planning figures</h2>', '<p>At the change rate this drill produced (not production\'s): what replication and backups would have to carry.</p>', table(['figure', 'value', 'how derived'], view.planning.map((p) => [p.name, p.value, p.how])));
  if (view.gameDay) {
    const g = view.gameDay;
    sections.push('<h2>Game day</h2>', `<p>Facilitator: ${h(g.facilitator)}.${g.participants.length ? ` Participants: ${g.participants.map((p) => `${h(p.name)} (${h(p.role)})`).join(', ')}.` : ''}</p>`);
    sections.push(g.checkpoints.length === 0 ? '<p>No checkpoint was reached.</p>' : table(['at', 'checkpoint', 'observation', 'decision', 'by'], g.checkpoints.map((c) => [`+${formatDuration(Math.round(c.at))}`, c.prompt, c.observation ?? '', c.decision ?? '', c.by ?? ''])));
  }
  const checks = view.cases.filter((c) => c.group === 'verification');
  if (checks.length > 0) sections.push('<h2>Verifications</h2>', table(['check', 'status', 'detail'], checks.map((c) => [c.name, statusLabel(c), c.message ?? c.detail ?? '']), { 1: slug, 2: () => 'detail' }));
  if (view.environment) {
    const env = view.environment;
    sections.push('<h2>Environment</h2>', table(['zone', 'nodes (role when the drill began)'], env.zones.map((z) => [z.zone, z.nodes])), table(['component', 'version'], env.versions.map(([n, v]) => [n, v])));
    if (env.why) sections.push(`<p>${h(`Not recorded: ${env.why}`)}</p>`);
  }
  const facts: [string, string][] = [
    ['scenario', view.scenario],
    ['run', view.runId],
    ['backend', view.backend],
    ['tier', view.tier],
    ['started', view.startedWall],
    ['took', view.duration],
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${h(`${view.verdict}: ${view.scenario}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="banner" style="background:${BANNER[view.status] ?? '#cf222e'}">
<h1>${h(view.verdict)}</h1>
<p>${h(`${view.scenario}: ${view.explanation}.`)}</p>
</header>
${view.problems.length ? `<section class="problems"><h2>What went wrong</h2><ul>${view.problems.map((p) => `<li>${h(p)}</li>`).join('')}</ul></section>\n` : ''}<main>
${view.description ? `<p>${h(view.description)}</p>\n` : ''}<dl>${facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>
${sections.join('\n')}
<footer>kdrill${view.kdrillVersion ? ` ${h(view.kdrillVersion)}` : ''}. Times are offsets from the run start, with the UTC time of day in brackets.</footer>
</main>
</body>
</html>
`;
}

export const htmlReporter: Reporter = {
  format: 'html',
  async render(input, outDir) {
    return [await writeReportFile(path.join(outDir, HTML_FILE), renderHtml(reportView(input)))];
  },
};
