import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { pgbackrestConfigPath, STANZA } from '../config/pgbackrest.js';
import { asPostgres, run } from '../exec.js';
import type { ClusterState } from '../state.js';

export const BACKUP_TYPES = ['full', 'diff', 'incr'] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

// One backup as the repository describes it (`pgbackrest info --output=json`).
export interface BackupRecord {
  readonly label: string;
  readonly type: BackupType;
  readonly prior?: string; // the backup a diff or incr builds on
  readonly startedAt: string; // wall time, ISO 8601
  readonly stoppedAt: string;
  readonly databaseBytes: number; // the database's size when backed up
  readonly backupBytes: number; // what this backup had to copy (its delta)
  readonly repoBytes: number; // its whole set in the repository, compressed
  readonly repoDeltaBytes: number; // what it added to the repository, compressed
  readonly walStart?: string;
  readonly walStop?: string;
}

// One pgBackRest command on the cluster's stanza, as the postgres user; its stdout.
export async function pgbackrest(state: ClusterState, args: readonly string[], timeoutMs: number): Promise<string> {
  const argv = asPostgres(['pgbackrest', `--config=${pgbackrestConfigPath(state.dir)}`, `--stanza=${STANZA}`, ...args]);
  return (await run(argv[0]!, argv.slice(1), { timeoutMs })).stdout;
}

// Takes a backup from the current primary (pgBackRest finds it among pg1…pgN) and returns it.
export async function takeBackup(state: ClusterState, type: BackupType, timeoutMs = 30 * 60_000): Promise<BackupRecord> {
  const before = new Set((await listBackups(state)).map((b) => b.label));
  await pgbackrest(state, [`--type=${type}`, 'backup'], timeoutMs);
  const made = (await listBackups(state)).filter((b) => !before.has(b.label));
  const backup = made.at(-1);
  if (!backup) throw new KdrillError(ErrorCode.STEP_FAILED, `pgBackRest reported success but the repository lists no new ${type} backup`);
  return backup;
}

interface InfoBackup {
  label: string;
  type: string;
  prior?: string | null;
  timestamp: { start: number; stop: number };
  info: { size: number; delta: number; repository: { size: number; delta: number } };
  archive?: { start?: string | null; stop?: string | null };
}

// Every backup of the stanza, oldest first.
export async function listBackups(state: ClusterState): Promise<BackupRecord[]> {
  const parsed = JSON.parse(await pgbackrest(state, ['--output=json', 'info'], 60_000)) as { name: string; backup?: InfoBackup[] }[];
  const stanza = parsed.find((s) => s.name === STANZA);
  return (stanza?.backup ?? []).map(recordOf);
}

export function recordOf(b: InfoBackup): BackupRecord {
  if (!(BACKUP_TYPES as readonly string[]).includes(b.type)) throw new KdrillError(ErrorCode.INTERNAL, `pgBackRest listed a backup of unknown type ${b.type}`);
  return {
    label: b.label,
    type: b.type as BackupType,
    ...(b.prior ? { prior: b.prior } : {}),
    startedAt: new Date(b.timestamp.start * 1000).toISOString(),
    stoppedAt: new Date(b.timestamp.stop * 1000).toISOString(),
    databaseBytes: b.info.size,
    backupBytes: b.info.delta,
    repoBytes: b.info.repository.size,
    repoDeltaBytes: b.info.repository.delta,
    ...(b.archive?.start ? { walStart: b.archive.start } : {}),
    ...(b.archive?.stop ? { walStop: b.archive.stop } : {}),
  };
}
