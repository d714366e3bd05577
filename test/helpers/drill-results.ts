import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { withDb, type DbTarget } from '../../harness/db/target.js';
import { parseJournal, type JournalEntry } from '../../harness/journal/index.js';
import { LEDGER_TABLE } from '../../harness/load/ledger-driver/index.js';
import type { Ledger } from '../../harness/load/ledger/ledger.js';
import { OUTCOMES } from '../../harness/model/writes.js';
import { spawnCli } from './cli.js';

const ACKED = OUTCOMES.indexOf('acked');

// What a drill left behind and what the database holds, read for assertions.

export async function journalOf(runDir: string): Promise<JournalEntry[]> {
  return parseJournal(await readFile(path.join(runDir, 'journal.jsonl'), 'utf8')).entries;
}

export const measured = (entries: readonly JournalEntry[], name: string, fault?: string) => entries.find((e) => e.kind === 'measurement' && e.name === name && e.fault === fault) as Extract<JournalEntry, { kind: 'measurement' }> | undefined;

// Every id in the ledger table, read straight from `target` (not through kdrill's read-back).
export async function ledgerIds(target: DbTarget, timeoutMs = 10_000): Promise<Set<number>> {
  const { rows } = await withDb(target, timeoutMs, (c) => c.query<{ id: string }>(`select id from ${LEDGER_TABLE}`));
  return new Set(rows.map((r) => Number(r.id)));
}

export type EntryOf<K extends JournalEntry['kind']> = Extract<JournalEntry, { kind: K }>;

// The invoke and completion entries of the first step whose operation is `op` ("action restore").
export function stepEntries(entries: readonly JournalEntry[], op: string): { invoke: EntryOf<'step-invoke'>; complete: EntryOf<'step-complete'> } {
  const invoke = entries.find((e): e is EntryOf<'step-invoke'> => e.kind === 'step-invoke' && e.op === op);
  if (!invoke) throw new Error(`the journal has no step "${op}"`);
  const complete = entries.find((e): e is EntryOf<'step-complete'> => e.kind === 'step-complete' && e.step === invoke.step);
  if (!complete) throw new Error(`step "${op}" (${invoke.step}) never completed`);
  return { invoke, complete };
}

// Each verification's verdict, by verifier.
export const verdicts = (entries: readonly JournalEntry[]): Record<string, string> => Object.fromEntries(entries.filter((e): e is EntryOf<'verification'> => e.kind === 'verification').map((e) => [e.verify, e.verdict]));

// An answer independent of kdrill's own measurement: the ids present after a restore against
// the saved ledger. Writes sent after `horizon` (a rebuilt cluster's own) are not the restore's.
export interface RestoredPrefix {
  readonly phantoms: number; // present but never sent
  readonly recoveryPoint: number; // acknowledgement time of the newest acknowledged write present
  readonly afterBackup: number; // acknowledged after `backupAt` and present: from the archived WAL
  readonly holes: number; // acknowledged before the newest present write was sent, and missing
  readonly lostAfterHorizon: number; // acknowledged after the horizon and missing
}

export function restoredPrefix(present: ReadonlySet<number>, ledger: Ledger, backupAt: number, horizon = Number.POSITIVE_INFINITY): RestoredPrefix {
  let phantoms = 0;
  let newestPresentSent = 0;
  let recoveryPoint = 0;
  let afterBackup = 0;
  for (const id of present) {
    if (id > ledger.size) {
      phantoms++;
      continue;
    }
    const e = ledger.entry(id);
    if (e.sentAt > horizon) continue;
    newestPresentSent = Math.max(newestPresentSent, e.sentAt);
    if (e.outcome === 'acked') recoveryPoint = Math.max(recoveryPoint, e.endAt!);
    if (e.outcome === 'acked' && e.endAt! > backupAt) afterBackup++;
  }
  let holes = 0;
  let lostAfterHorizon = 0;
  ledger.forEach((id, sentAt, endAt, outcome) => {
    if (outcome !== ACKED || present.has(id)) return;
    if (sentAt <= horizon && endAt < newestPresentSent) holes++;
    if (sentAt > horizon) lostAfterHorizon++;
  });
  return { phantoms, recoveryPoint, afterBackup, holes, lostAfterHorizon };
}

// `kdrill run <file> --out <runDir> --non-interactive [more…]` in `cwd` as a real process: how
// it exited, what it said on stderr, and the journal it left.
export async function runDrillCli(cwd: string, file: string, runDir: string, more: readonly string[] = []): Promise<{ code: number | null; stderr: string; entries: JournalEntry[] }> {
  const child = spawnCli(['run', file, '--out', runDir, '--non-interactive', ...more], cwd);
  const code = await child.exited;
  // A run that died before its journal leaves none: the caller's exit-code check shows stderr.
  return { code, stderr: child.output().stderr, entries: await journalOf(runDir).catch(() => []) };
}
