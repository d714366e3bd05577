import { backupMadeBy, backupsOfStanza, type BackupRecord, type BackupType } from '../../../backup/pgbackrest-info.js';
import { pgbackrestConfigPath, STANZA } from '../config/pgbackrest.js';
import { asPostgres, run } from '../exec.js';
import type { ClusterState } from '../state.js';

export { BACKUP_TYPES, recordOf, type BackupRecord, type BackupType } from '../../../backup/pgbackrest-info.js';

// One pgBackRest command on the cluster's stanza, as the postgres user; its stdout.
export async function pgbackrest(state: ClusterState, args: readonly string[], timeoutMs: number): Promise<string> {
  const argv = asPostgres(['pgbackrest', `--config=${pgbackrestConfigPath(state.dir)}`, `--stanza=${STANZA}`, ...args]);
  return (await run(argv[0]!, argv.slice(1), { timeoutMs })).stdout;
}

// Takes a backup from the current primary (pgBackRest finds it among pg1…pgN) and returns it.
export async function takeBackup(state: ClusterState, type: BackupType, timeoutMs = 30 * 60_000): Promise<BackupRecord> {
  return backupMadeBy(() => listBackups(state), () => pgbackrest(state, [`--type=${type}`, 'backup'], timeoutMs), type);
}

// Every backup of the stanza, oldest first.
export async function listBackups(state: ClusterState): Promise<BackupRecord[]> {
  return backupsOfStanza(await pgbackrest(state, ['--output=json', 'info'], 60_000), STANZA);
}
