import path from 'node:path';
import { escapeMarkdownCell as cell } from '../escape.js';
import { reportView, statusLabel, writeReportFile, type ReportView } from '../model.js';
import type { Reporter } from '../types.js';
import { formatDuration } from '../../model/duration.js';

export const SUMMARY_FILE = 'summary.md';

// A Markdown table; every cell escaped.
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => cell(c) || ' ').join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

// The summary for CI step summaries and pull requests: verdict first, then targets, steps, faults.
export function renderMarkdown(view: ReportView): string {
  const parts = [
    `# ${view.verdict}: ${cell(view.scenario)}`,
    '',
    `${cell(view.explanation)}.`,
    '',
    ...(view.problems.length ? ['**What went wrong:**', '', ...view.problems.map((p) => `- ${cell(p)}`), ''] : []),
    `Run \`${view.runId.replace(/`/g, '')}\` on the ${cell(view.backend)} backend, ${cell(view.tier)}, started ${cell(view.startedWall)}, took ${view.duration}.`,
  ];
  if (view.description) parts.push('', `> ${cell(view.description)}`);
  if (view.error) parts.push('', `**Error:** ${cell(view.error)}`);
  parts.push('', '## Targets', '', table(['target', 'required', 'measured', 'verdict', 'how derived'], view.targets.map((t) => [t.name, t.required, t.measured, t.verdict, t.derivation])));
  if (view.measurements.length > 0) parts.push('', '## Measurements', '', 'The run\'s figures: for each, the worst fault\'s window.', '', table(['measurement', 'value', 'how derived'], view.measurements.map((m) => [m.name, m.value, m.why])));
  for (const w of view.windows) parts.push('', `### Fault ${cell(w.fault)} (${cell(w.type)})`, '', `Harm took effect (t0) at ${cell(w.t0)}, ${cell(w.armedToEffective)} after its revert record was journalled.${w.milestones.length ? ` Then: ${w.milestones.map(cell).join('; ')}.` : ''}`, '', table(['measurement', 'value', 'how derived'], w.figures.map((f) => [f.name, f.value, f.why])));
  if (view.load) parts.push('', '## Load', '', `${cell(view.load.driver)}: ${cell(view.load.summary)}.${view.load.errors.length ? ` Errors: ${view.load.errors.map(cell).join('; ')}.` : ''}`);
  parts.push(
    '',
    '## Steps',
    '',
    view.steps.length === 0
      ? 'No step ran.'
      : table(['step', 'name', 'kind', 'outcome', 'start', 'end', 'took', 'detail'], view.steps.map((s) => [s.id, s.name, s.kind, s.outcome, s.start, s.end, s.duration, s.detail])),
  );
  parts.push(
    '',
    '## Faults',
    '',
    view.faults.length === 0 ? 'No fault was armed.' : table(['fault', 'step', 'type', 'armed', 'took effect (t0)', 'injector returned', 'reverted'], view.faults.map((f) => [f.id, f.step, f.type, f.armed, f.effective, f.injected, f.reverted])),
  );
  if (view.planning.length) parts.push('', '## Planning figures', '', 'At the change rate this drill produced (not production\'s):', '', table(['figure', 'value', 'how derived'], view.planning.map((p) => [p.name, p.value, p.how])));
  if (view.gameDay) {
    const g = view.gameDay;
    parts.push('', '## Game day', '', `Facilitator: ${cell(g.facilitator)}.${g.participants.length ? ` Participants: ${g.participants.map((p) => `${cell(p.name)} (${cell(p.role)})`).join(', ')}.` : ''}`);
    if (g.checkpoints.length) parts.push('', table(['at', 'checkpoint', 'observation', 'decision', 'by'], g.checkpoints.map((c) => [`+${formatDuration(Math.round(c.at))}`, c.prompt, c.observation ?? '', c.decision ?? '', c.by ?? ''])));
  }
  const checks = view.cases.filter((c) => c.group === 'verification');
  if (checks.length > 0) parts.push('', '## Verifications', '', table(['check', 'status', 'detail'], checks.map((c) => [c.name, statusLabel(c), c.message ?? c.detail ?? ''])));
  if (view.environment) parts.push('', '## Environment', '', `${cell(view.environment.backend)} backend: ${view.environment.zones.map((z) => `zone ${cell(z.zone)}: ${cell(z.nodes)}`).join('; ') || 'topology not recorded'}. ${view.environment.versions.map(([n, v]) => `${cell(n)} ${cell(v)}`).join(', ')}.`);
  parts.push('', `<sub>kdrill${view.kdrillVersion ? ` ${cell(view.kdrillVersion)}` : ''}; times are offsets from the run start (UTC time of day in brackets).</sub>`, '');
  return parts.join('\n');
}

export const markdownReporter: Reporter = {
  format: 'markdown',
  async render(input, outDir) {
    return [await writeReportFile(path.join(outDir, SUMMARY_FILE), renderMarkdown(reportView(input)))];
  },
};
