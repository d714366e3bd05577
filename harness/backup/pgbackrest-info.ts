import { ErrorCode, KdrillError } from '../common/errors.js';

// pgBackRest's view of a repository, shared by every backend that runs it.

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

export interface InfoBackup {
  label: string;
  type: string;
  prior?: string | null;
  timestamp: { start: number; stop: number };
  info: { size: number; delta: number; repository: { size: number; delta: number } };
  archive?: { start?: string | null; stop?: string | null };
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

// The backups of one stanza in `pgbackrest info --output=json`, oldest first.
export function backupsOfStanza(infoJson: string, stanza: string): BackupRecord[] {
  const parsed = JSON.parse(infoJson) as { name: string; backup?: InfoBackup[] }[];
  return (parsed.find((s) => s.name === stanza)?.backup ?? []).map(recordOf);
}

// Runs `backup` and returns the backup it added, the newest the repository lists that it did
// not list before; `where` ends the error when pgBackRest succeeded but added none.
export async function backupMadeBy(list: () => Promise<BackupRecord[]>, backup: () => Promise<unknown>, type: BackupType, where = ''): Promise<BackupRecord> {
  const before = new Set((await list()).map((b) => b.label));
  await backup();
  const made = (await list()).filter((b) => !before.has(b.label)).at(-1);
  if (!made) throw new KdrillError(ErrorCode.STEP_FAILED, `pgBackRest reported success${where} but the repository lists no new ${type} backup`);
  return made;
}
