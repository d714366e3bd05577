import { formatDuration } from '../../model/duration.js';
import { escapeXml as h } from '../escape.js';
import type { Milestone, TimelineView } from '../timeline.js';

// The timeline as an inline SVG (the page loads nothing and runs no script): writes
// acknowledged per second and latency as lines, failed writes as bars, fault windows shaded,
// recovery milestones as dashed lines.

const W = 1000;
const H = 330;
const LABEL_ROWS = 4;
const M = { left: 56, right: 60, top: 12 + LABEL_ROWS * 12, bottom: 40 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

const COLOURS = { acked: '#0969da', failed: '#cf222e', latency: '#bc4c00', fault: '#cf222e', grid: '#d0d7de', text: '#57606a' };
const MILESTONE_COLOURS: Readonly<Record<Milestone, string>> = {
  fault: '#cf222e',
  impact: '#9a6700',
  'new leader': '#8250df',
  'service restored': '#1a7f37',
  'redundancy restored': '#0969da',
};

export function timelineChart(t: TimelineView): string {
  const span = Math.max(1, t.durationMs);
  const x = (ms: number) => M.left + (Math.min(Math.max(ms, 0), span) / span) * PLOT_W;
  const parts: string[] = [];
  const series = t.series;
  const perSecond = series ? series.acked.map((n) => n / (series.bucketMs / 1000)) : [];
  const failedPerSecond = series ? series.failed.map((n) => n / (series.bucketMs / 1000)) : [];
  const rateMax = niceMax(Math.max(1, ...perSecond, ...failedPerSecond));
  const latencies = series ? series.latencyMs.filter((v): v is number => v !== null) : [];
  const latencyMax = niceMax(Math.max(1, ...latencies));
  const yRate = (v: number) => M.top + PLOT_H - (v / rateMax) * PLOT_H;
  const yLatency = (v: number) => M.top + PLOT_H - (Math.min(v, latencyMax) / latencyMax) * PLOT_H;

  // Fault windows under everything else.
  for (const f of t.faults) {
    const x1 = x(f.fromMs);
    const width = Math.max(1, x(f.toMs) - x1);
    parts.push(`<rect class="fault-window" x="${x1.toFixed(1)}" y="${M.top}" width="${width.toFixed(1)}" height="${PLOT_H}" fill="${COLOURS.fault}" fill-opacity="0.08"><title>${h(`${f.type} (${f.id}): +${formatDuration(f.fromMs)} to ${f.reverted ? `+${formatDuration(f.toMs)}` : 'the end (not reverted)'}`)}</title></rect>`);
    parts.push(`<text x="${(x1 + 3).toFixed(1)}" y="${M.top + 12}" font-size="11" fill="${COLOURS.fault}">${h(f.type)}</text>`);
  }
  // Grid and axes.
  for (let i = 0; i <= 4; i++) {
    const v = (rateMax * i) / 4;
    const y = yRate(v);
    parts.push(`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${COLOURS.grid}" stroke-width="1"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="${COLOURS.text}">${trim(v)}</text>`);
    if (series) parts.push(`<text x="${M.left + PLOT_W + 6}" y="${(y + 4).toFixed(1)}" font-size="11" fill="${COLOURS.latency}">${trim((latencyMax * i) / 4)}</text>`);
  }
  for (const tick of timeTicks(span)) {
    parts.push(`<line x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${M.top + PLOT_H}" y2="${M.top + PLOT_H + 4}" stroke="${COLOURS.text}"/>`);
    parts.push(`<text x="${x(tick).toFixed(1)}" y="${M.top + PLOT_H + 16}" font-size="11" text-anchor="middle" fill="${COLOURS.text}">+${formatDuration(tick)}</text>`);
  }
  parts.push(`<text x="14" y="${M.top + PLOT_H / 2}" font-size="11" fill="${COLOURS.text}" transform="rotate(-90 14 ${M.top + PLOT_H / 2})" text-anchor="middle">writes per second</text>`);
  if (series) parts.push(`<text x="${W - 10}" y="${M.top + PLOT_H / 2}" font-size="11" fill="${COLOURS.latency}" transform="rotate(90 ${W - 10} ${M.top + PLOT_H / 2})" text-anchor="middle">mean latency, ms</text>`);

  if (series) {
    const mid = (b: number) => series.startMs + (b + 0.5) * series.bucketMs;
    const barW = Math.max(1, (series.bucketMs / span) * PLOT_W * 0.8);
    failedPerSecond.forEach((v, b) => {
      if (v > 0) parts.push(`<rect class="failed" x="${(x(mid(b)) - barW / 2).toFixed(1)}" y="${yRate(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(M.top + PLOT_H - yRate(v)).toFixed(1)}" fill="${COLOURS.failed}"/>`);
    });
    parts.push(`<polyline class="acked" fill="none" stroke="${COLOURS.acked}" stroke-width="1.5" points="${perSecond.map((v, b) => `${x(mid(b)).toFixed(1)},${yRate(v).toFixed(1)}`).join(' ')}"/>`);
    // Latency: one line per run of buckets that had acknowledgements (a gap is an outage, not 0 ms).
    for (const run of runsOf(series.latencyMs)) {
      parts.push(`<polyline class="latency" fill="none" stroke="${COLOURS.latency}" stroke-width="1" stroke-opacity="0.8" points="${run.map(([b, v]) => `${x(mid(b)).toFixed(1)},${yLatency(v).toFixed(1)}`).join(' ')}"/>`);
    }
  } else {
    parts.push(`<text x="${M.left + PLOT_W / 2}" y="${M.top + PLOT_H / 2}" font-size="13" text-anchor="middle" fill="${COLOURS.text}">no load series: ${h(t.noSeries ?? 'none recorded')}</text>`);
  }
  // Milestones on top; their labels above the plot, each in the lowest row where it overlaps
  // no label already placed (milestones seconds apart in an hour-long drill share a pixel).
  const rowsEnd = new Array<number>(LABEL_ROWS).fill(Number.NEGATIVE_INFINITY);
  for (const m of [...t.milestones].sort((a, b) => a.atMs - b.atMs)) {
    const mx = x(m.atMs);
    const colour = MILESTONE_COLOURS[m.name];
    const half = (m.name.length * 6.2) / 2;
    const left = Math.min(Math.max(mx - half, 2), W - 2 * half - 2);
    const row = Math.max(0, rowsEnd.findIndex((end) => end + 6 <= left));
    rowsEnd[row] = left + 2 * half;
    const labelY = M.top - 4 - row * 12;
    parts.push(`<line class="milestone" x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${labelY + 2}" y2="${M.top + PLOT_H}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="4 3"><title>${h(`${m.name} at +${formatDuration(Math.round(m.atMs / 100) * 100)}`)}</title></line>`);
    parts.push(`<text x="${(left + half).toFixed(1)}" y="${labelY}" font-size="11" text-anchor="middle" fill="${colour}" stroke="#fff" stroke-width="3" paint-order="stroke">${h(m.name)}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="${COLOURS.text}" stroke-width="1"/>`);
  const legend = series
    ? `<text x="${M.left}" y="${H - 6}" font-size="11"><tspan fill="${COLOURS.acked}">━ acknowledged/s</tspan>  <tspan fill="${COLOURS.failed}">▮ failed or in doubt/s</tspan>  <tspan fill="${COLOURS.latency}">━ mean latency (right axis)</tspan>  <tspan fill="${COLOURS.fault}">▒ fault in effect</tspan></text>`
    : `<text x="${M.left}" y="${H - 6}" font-size="11" fill="${COLOURS.fault}">▒ fault in effect</text>`;
  const desc = `Writes over the run (${formatDuration(t.durationMs)}); ${t.faults.length} fault window${t.faults.length === 1 ? '' : 's'}; milestones: ${t.milestones.map((m) => `${m.name} +${formatDuration(Math.round(m.atMs))}`).join(', ') || 'none'}.`;
  return `<svg class="timeline" role="img" aria-labelledby="timeline-title timeline-desc" viewBox="0 0 ${W} ${H}" width="100%" font-family="system-ui,sans-serif">
<title id="timeline-title">Timeline of the drill</title>
<desc id="timeline-desc">${h(desc)}</desc>
${parts.join('\n')}
${legend}
</svg>`;
}

// Consecutive buckets with a value, each as [bucket, value] pairs.
function runsOf(values: readonly (number | null)[]): [number, number][][] {
  const runs: [number, number][][] = [];
  let current: [number, number][] = [];
  values.forEach((v, b) => {
    if (v === null) {
      if (current.length) runs.push(current);
      current = [];
    } else {
      current.push([b, v]);
    }
  });
  if (current.length) runs.push(current);
  return runs;
}

// 1, 2 or 5 times a power of ten, at least `v`.
export function niceMax(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

// Five to ten ticks at a round interval of time.
export function timeTicks(spanMs: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
  const step = steps.find((s) => spanMs / s <= 10) ?? 3_600_000 * Math.ceil(spanMs / 36_000_000);
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs; t += step) ticks.push(t);
  return ticks;
}

const trim = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
