import path from 'node:path';
import { formatDuration } from '../../model/duration.js';
import { printable } from '../../common/errors.js';
import { byScenario, HISTORY_FILE, readHistory, regressions, seconds, type HistoryRecord } from '../../report/history.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

export interface HistoryOpts {
  readonly reports: string;
  readonly scenario?: string;
  readonly last: string;
  readonly failOnRegression?: boolean;
}

// Each scenario's runs as a series (newest last), and the regressions of its latest run.
// A damaged history.jsonl is invalid input (exit 2, file:line); a missing one holds no runs yet.
export async function historyCommand(opts: HistoryOpts, output: Output): Promise<number> {
  const file = path.resolve(opts.reports, HISTORY_FILE);
  const last = Number(opts.last);
  if (!Number.isInteger(last) || last < 1) {
    output.err(`kdrill history: expected --last to be a whole number of runs of at least 1, got "${opts.last}"`);
    return ExitCode.invalidInput;
  }
  const { records, truncated } = await readHistory(file);
  if (truncated) output.err(printable(`${file}:${truncated.line}: warning: the last line was cut short (a run died while appending it) and is left out`));
  const wanted = opts.scenario ? records.filter((r) => r.scenario === opts.scenario) : records;
  if (wanted.length === 0) {
    output.out(opts.scenario ? `no run of ${opts.scenario} in ${file}` : `no run recorded in ${file} yet: every \`kdrill run\` appends one`);
    return ExitCode.passed;
  }
  const found = regressions(wanted);
  for (const [scenario, runs] of byScenario(wanted)) {
    const head = runs.at(-1)!;
    output.out(`${scenario} (${[head.cadence, head.tier, head.backend].filter(Boolean).join(', ')}): ${runs.length} run${runs.length === 1 ? '' : 's'}${runs.length > last ? `, the last ${last} shown` : ''}`);
    output.out(table(runs.slice(-last)));
    for (const r of found.filter((f) => f.scenario === scenario)) output.out(`  REGRESSION: ${r.what}`);
    output.out('');
  }
  return found.length && opts.failOnRegression ? ExitCode.targetsMissed : ExitCode.passed;
}

function table(runs: readonly HistoryRecord[]): string {
  const rows = [['started (UTC)', 'status', 'RTO', 'RPO', 'lost', 'took', 'run'], ...runs.map((r) => [r.startedWall.slice(0, 19).replace('T', ' '), r.status, opt(r.rtoMs), opt(r.rpoMs), r.lostWrites === undefined ? '—' : String(r.lostWrites), formatDuration(Math.round(r.durationMs / 1000) * 1000), r.runId])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}

const opt = (ms: number | undefined) => (ms === undefined ? '—' : seconds(ms));
