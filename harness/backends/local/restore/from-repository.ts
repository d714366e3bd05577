import { readFile } from 'node:fs/promises';
import { run } from '../exec.js';

// What every restore from the cluster's pgBackRest repository shares, whether into a scratch
// instance or into a whole fresh cluster.

export { asRestoreFailure, chooseBackup, damagedBackup, postgresTime, restoreArgs, RestoreFailed, mib } from '../../../backup/pgbackrest-restore.js';

export async function logTail(file: string, lines = 3): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join(' | ') || '(no log)';
}

export async function directoryBytes(dir: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', dir], { timeoutMs: 120_000 });
  return Number(stdout.split('\t')[0]);
}

