import path from 'node:path';
import { BACKENDS, backendFor } from '../../backends/api.js';
import { cleanupFromJournal, pendingReverts } from '../../engine/index.js';
import { FileJournal, readJournal, type JournalEntry } from '../../journal/index.js';
import type { Plan } from '../../scenario/plan-types.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { isLive, JOURNAL_FILE, listRunDirs } from '../../journal/run-dir.js';

// Undoes what crashed runs left armed: every fault-armed entry without a fault-reverted, newest
// first, from the journal alone. Runs whose process is still alive are left alone.
export async function cleanupCommand(opts: { reports: string; run?: string }, output: Output): Promise<number> {
  const dirs = opts.run ? [path.resolve(opts.run)] : await listRunDirs(path.resolve(opts.reports));
  let pending = 0;
  let failed = 0;
  let reaped = 0;
  for (const dir of dirs) {
    if (await isLive(dir)) {
      output.out(`${dir}: still running (its process is alive); left alone`);
      continue;
    }
    // A damaged journal is one run whose armed faults cannot be known: said, counted as a
    // problem left, and the other runs are still cleaned up.
    let entries: JournalEntry[];
    try {
      ({ entries } = await readJournal(path.join(dir, JOURNAL_FILE)));
    } catch (error) {
      output.out(`${dir}: cannot read its journal, so what it left armed is unknown: ${(error as Error).message.split('\n')[0]}`);
      failed++;
      continue;
    }
    const left = await reapRunObjects(dir, entries, output);
    reaped += left.removed;
    failed += left.failed;
    const todo = pendingReverts(entries);
    if (todo.length === 0) continue;
    pending += todo.length;
    output.out(`${dir}: ${todo.length} fault${todo.length === 1 ? '' : 's'} left armed: ${todo.map((t) => t.fault).join(', ')}`);
    const journal = await FileJournal.open(path.join(dir, JOURNAL_FILE), { append: true });
    try {
      const target = targetOf(entries);
      const result = await cleanupFromJournal(
        entries,
        async (record) => {
          const backend = backendFor(record.backend as Plan['backend']);
          return backend.connect(target as never, {
            runId: record.runId,
            runDir: dir,
            attachOnly: true,
            journal,
            signal: new AbortController().signal,
            log: (line) => output.err(line),
          });
        },
        journal,
      );
      for (const fault of result.reverted) output.out(`  reverted ${fault}`);
      for (const f of result.failed) output.out(`  could not revert ${f.fault}: ${f.error.message}`);
      failed += result.failed.length;
    } finally {
      await journal.close();
    }
  }
  // Then what dead runs left besides faults: clusters they created for themselves.
  for (const backend of BACKENDS.values()) {
    const result = await backend.reap?.((line) => output.err(line));
    if (!result) continue;
    reaped += result.removed.length;
    for (const id of result.removed) output.out(`removed cluster ${id}, left by a run that is gone`);
    for (const p of result.problems) output.out(`  could not remove: ${p}`);
    failed += result.problems.length;
  }
  if (pending === 0 && reaped === 0 && failed === 0) output.out('nothing to clean up: no run left a fault armed or a cluster behind');
  else if (pending > 0 || failed > 0) output.out(failed === 0 ? `cleaned up: ${pending} fault${pending === 1 ? '' : 's'} reverted` : `cleanup incomplete: ${failed} problem${failed === 1 ? '' : 's'} left`);
  return failed === 0 ? ExitCode.passed : ExitCode.cleanupIncomplete;
}

// What the run left in its target besides faults (Jobs, restored pods), when its backend
// keeps such things; a run whose target cannot be reached is a problem to report.
async function reapRunObjects(dir: string, entries: readonly JournalEntry[], output: Output): Promise<{ removed: number; failed: number }> {
  const start = runStartOf(entries);
  if (!start) return { removed: 0, failed: 0 };
  const backend = BACKENDS.get(start.plan.backend);
  if (!backend?.reapRun) return { removed: 0, failed: 0 };
  try {
    const removed = await backend.reapRun(start.plan.scenarioDoc.target as never, { id: start.runId, dir, ended: entries.some((e) => e.kind === 'run-end') });
    for (const name of removed) output.out(`${dir}: removed ${name}, left by run ${start.runId}`);
    return { removed: removed.length, failed: 0 };
  } catch (error) {
    output.out(`${dir}: could not remove what run ${start.runId} left in its cluster: ${(error as Error).message.split('\n')[0]}`);
    return { removed: 0, failed: 1 };
  }
}

function runStartOf(entries: readonly JournalEntry[]): Extract<JournalEntry, { kind: 'run-start' }> | undefined {
  const start = entries.find((e) => e.kind === 'run-start');
  return start?.kind === 'run-start' ? start : undefined;
}

const targetOf = (entries: readonly JournalEntry[]): unknown => runStartOf(entries)?.plan.scenarioDoc.target;
