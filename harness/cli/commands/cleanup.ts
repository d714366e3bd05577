import path from 'node:path';
import { backendFor } from '../../backends/api.js';
import { cleanupFromJournal, FileJournal, pendingReverts, readJournal, type JournalEntry } from '../../engine/index.js';
import type { Plan } from '../../scenario/plan-types.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { isLive, JOURNAL_FILE, listRunDirs } from '../run-dir.js';

// Undoes what crashed runs left armed: every fault-armed entry without a fault-reverted, newest
// first, from the journal alone. Runs whose process is still alive are left alone.
export async function cleanupCommand(opts: { reports: string; run?: string }, output: Output): Promise<number> {
  const dirs = opts.run ? [path.resolve(opts.run)] : await listRunDirs(path.resolve(opts.reports));
  let pending = 0;
  let failed = 0;
  for (const dir of dirs) {
    if (await isLive(dir)) {
      output.out(`${dir}: still running (its process is alive); left alone`);
      continue;
    }
    const { entries } = await readJournal(path.join(dir, JOURNAL_FILE));
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
  if (pending === 0) output.out('nothing to clean up: no run left a fault armed');
  else output.out(failed === 0 ? `cleaned up: ${pending} fault${pending === 1 ? '' : 's'} reverted` : `cleanup incomplete: ${failed} of ${pending} faults could not be reverted`);
  return failed === 0 ? ExitCode.passed : ExitCode.cleanupIncomplete;
}

function targetOf(entries: readonly JournalEntry[]): unknown {
  const start = entries.find((e) => e.kind === 'run-start');
  return start?.kind === 'run-start' ? start.plan.scenarioDoc.target : undefined;
}
