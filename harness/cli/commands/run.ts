import { escapeControl } from '../../common/control-chars.js';
import path from 'node:path';
import { backendFor } from '../../backends/api.js';
import { formatDuration } from '../../model/duration.js';
import { formatWarning } from '../../common/errors.js';
import { runDrill } from '../../engine/index.js';
import { FileJournal, readJournal, type Journal, type JournalEntry } from '../../journal/index.js';
import { monotonicClock } from '../../common/monotonic-clock.js';
import { filesToShow, renderReports } from '../../report/api.js';
import { appendHistory, HISTORY_FILE, historyRecordOf } from '../../report/history.js';
import { startScenarioLoad } from '../../load/start.js';
import { scenarioObserver } from '../../assess/observer.js';
import { compilePlan, formatPlan, loadScenarioFile } from '../../scenario/index.js';
import { terminalCheckpointAnswerer } from '../checkpoint-prompt.js';
import { exitCodeForStatus } from '../errors-to-exit.js';
import { ExitCode } from '../exit-codes.js';
import { progressLogger, type Output } from '../output.js';
import { JOURNAL_FILE, makeRunId, markLive, prepareRunDir } from '../../journal/run-dir.js';
import { KDRILL_VERSION } from '../version.js';
import { LiveStatus } from '../live-status.js';
import { redactText, redactValue } from '../../common/redact.js';


// Validates, plans and runs one drill, then renders its reports. The exit code is the verdict.
// `kdrill run`'s options as commander parses them.
export interface RunOpts {
  out?: string;
  dryRun?: boolean;
  nonInteractive?: boolean;
  keepRestored?: boolean;
  allowDir?: string[];
}

export async function runCommand(file: string, opts: RunOpts, output: Output): Promise<number> {
  const loaded = await loadScenarioFile(file, { allowDirs: opts.allowDir ?? [] });
  const plan = compilePlan(loaded);
  const warn = () => loaded.warnings.forEach((warning) => output.err(formatWarning(warning)));
  if (opts.dryRun) {
    warn();
    output.out(formatPlan(plan));
    const { load, workload } = loaded.scenario;
    const script = loaded.k6Script?.file;
    const objects = await backendFor(plan.backend).describeDryRun?.(plan, loaded.scenario.target, { spec: load, database: workload.database, maxDurationMs: loaded.scenario.abort.maxDuration, ...(script ? { script } : {}) });
    if (objects) output.out(`\n${objects}`);
    output.out('\n--dry-run: nothing was created or touched.');
    return ExitCode.passed;
  }
  const backend = backendFor(plan.backend);
  await backend.preflight?.(loaded.scenario.target);
  const relaunched = await backend.relaunch?.(loaded.scenario.target);
  if (relaunched !== undefined) return relaunched;
  // Here, not before the relaunch: the relaunched command prints them itself.
  warn();
  const runId = makeRunId(plan.scenario.name);
  const runDir = path.resolve(opts.out ?? path.join('reports', runId));
  await prepareRunDir(runDir);
  const journal = await FileJournal.open(path.join(runDir, JOURNAL_FILE));
  const kept: JournalEntry[] = [];
  const unmarkLive = await markLive(runDir);
  const interactive = !opts.nonInteractive && process.stdin.isTTY && process.stderr.isTTY;
  // A live status line on a terminal, unless a facilitator's prompts need it.
  const live = output.isTTY && !interactive ? new LiveStatus(process.stderr, new Map(plan.steps.map((s) => [s.id, s.name]))) : undefined;
  const log = progressLogger(live ? { ...output, err: (line) => live.print(redactText(line)) } : output);
  log(`run ${runId}: ${plan.scenario.name} on the ${plan.backend} backend; journal ${journal.path}`);
  live?.start();
  let result;
  try {
    result = await runDrill(plan, {
      backend,
      target: loaded.scenario.target,
      clock: monotonicClock(),
      journal: keeping(live ? live.watch(journal) : journal, kept),
      runId,
      runDir,
      signals: process,
      log,
      interactive: interactive ? terminalCheckpointAnswerer() : undefined,
      kdrillVersion: KDRILL_VERSION,
      keepRestored: opts.keepRestored === true,
      startLoad: async (connected, clock) => {
        const load = await startScenarioLoad({ spec: loaded.scenario.load, backend: connected, clock, runDir, log, maxDurationMs: loaded.scenario.abort.maxDuration, database: loaded.scenario.workload.database, scenarioFile: loaded.file, runId });
        if (live && load) live.state.load = () => load.running.stats();
        return load;
      },
      observer: scenarioObserver(loaded.scenario),
    });
  } finally {
    live?.stop();
    await journal.close();
    await unmarkLive();
  }
  // The reports come from the journal as written; should it not read back (a bug of kdrill's
  // own, never the drill's), they come from the entries this process journalled, and say so,
  // rather than losing a drill that ran.
  const entries = await readJournal(journal.path).then(
    (read) => read.entries,
    (error: unknown) => {
      log(`the journal ${journal.path} did not read back (${escapeControl((error as Error).message)}); reports use the ${kept.length} entries this run journalled`);
      return kept;
    },
  );
  const formats = [...new Set(['json', ...plan.scenarioDoc.report.formats])] as Parameters<typeof renderReports>[1];
  const rendered = await renderReports({ plan, result, entries }, formats, runDir);
  for (const r of rendered) {
    if (r.error) log(`report ${r.format} failed: ${escapeControl(r.error.message)}`);
  }
  // The run joins its scenario's series beside the run directory (reports/history.jsonl).
  const history = path.join(path.dirname(runDir), HISTORY_FILE);
  const recorded = await appendHistory(history, historyRecordOf(plan, result, runDir)).then(
    () => true,
    (error: unknown) => void log(`history: could not append to ${history}: ${(error as Error).message}`),
  );
  output.out(`${result.status.toUpperCase()}: ${plan.scenario.name} in ${formatDuration(result.durationMs)} (run ${runId})`);
  if (result.error) output.out(`  error: ${escapeControl(result.error.message)}`);
  output.out(`  run directory: ${runDir}`);
  if (recorded) output.out(`  history: ${path.relative(process.cwd(), history) || history} (\`kdrill history\`)`);
  for (const r of rendered) {
    for (const f of filesToShow(r)) output.out(`  ${r.format}: ${path.relative(process.cwd(), f) || f}`);
  }
  return exitCodeForStatus(result.status);
}

// A journal that also keeps each entry in memory, redacted as the file holds it.
function keeping(journal: Journal, kept: JournalEntry[]): Journal {
  return {
    path: journal.path,
    append: async (entry) => {
      kept.push(redactValue(entry));
      await journal.append(entry);
    },
  };
}
