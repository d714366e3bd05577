import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { withDb, type DbTarget } from '../../harness/db/target.js';
import { parseJournal, type JournalEntry } from '../../harness/engine/index.js';
import { LEDGER_TABLE } from '../../harness/load/ledger-driver/index.js';

// What a drill left behind and what the database holds, read for assertions.

export async function journalOf(runDir: string): Promise<JournalEntry[]> {
  return parseJournal(await readFile(path.join(runDir, 'journal.jsonl'), 'utf8')).entries;
}

export const measured = (entries: readonly JournalEntry[], name: string) => entries.find((e) => e.kind === 'measurement' && e.name === name) as Extract<JournalEntry, { kind: 'measurement' }> | undefined;

// Every id in the ledger table, read straight from `target` (not through kdrill's read-back).
export async function ledgerIds(target: DbTarget, timeoutMs = 10_000): Promise<Set<number>> {
  const { rows } = await withDb(target, timeoutMs, (c) => c.query<{ id: string }>(`select id from ${LEDGER_TABLE}`));
  return new Set(rows.map((r) => Number(r.id)));
}
