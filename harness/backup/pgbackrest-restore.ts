import { ErrorCode, KdrillError } from '../common/errors.js';
import type { RestorePoint } from '../journal/restore-point.js';
import type { BackupRecord } from './pgbackrest-info.js';

// What every restore from a pgBackRest repository shares, on any backend: which backup, the
// restore's arguments, and telling a damaged backup from a broken machine.

// A restore that did not give a usable instance: the system under test failed, not kdrill.
// Its message carries the evidence: pgBackRest's or PostgreSQL's own last words.
export class RestoreFailed extends KdrillError {
  override readonly name = 'RestoreFailed';
  constructor(message: string) {
    super(ErrorCode.RECOVERY_FAILED, message);
  }
}

// pgBackRest's words for a repository that does not hold what its manifest promises: a file
// that fails decompression or its checksum, or is gone.
const BACKUP_DAMAGE = /FormatError|ChecksumError|FileMissingError|checksum|decompress|(?:lz4|gz|zst|bz2) error|\[029\]/i;

// The drill's finding when pgBackRest's message says the backup is damaged or incomplete.
export function damagedBackup(message: string, backup: BackupRecord): RestoreFailed | undefined {
  return BACKUP_DAMAGE.test(message) ? new RestoreFailed(`pgBackRest could not restore backup ${backup.label}: ${message}`) : undefined;
}

// A damaged or incomplete backup is the finding a drill exists for; anything else
// (permissions, a full disk, a missing program) is this machine's problem and stays as it is.
export function asRestoreFailure(error: unknown, backup: BackupRecord): unknown {
  return damagedBackup((error as Error).message, backup) ?? error;
}

// The newest backup for the target: for a time, the newest that finished before it (recovery
// cannot stop inside the backup's own window).
export function chooseBackup(backups: readonly BackupRecord[], target: RestorePoint): BackupRecord {
  if (backups.length === 0) throw new RestoreFailed('the repository holds no backup to restore');
  if (target.kind === 'latest') return backups.at(-1)!;
  const usable = backups.filter((b) => new Date(b.stoppedAt).getTime() < target.time.getTime());
  if (usable.length === 0) {
    throw new RestoreFailed(`no backup finished before ${target.time.toISOString()}: the oldest finished at ${backups[0]!.stoppedAt}`);
  }
  return usable.at(-1)!;
}

// pgBackRest's restore arguments. A scratch instance must not push WAL into the cluster's
// archive (`archiving: off`); a rebuilt cluster goes on archiving its new timeline there.
export function restoreArgs(data: string, backup: BackupRecord, target: RestorePoint, archiving: 'off' | 'on' = 'off'): string[] {
  const args = [`--pg1-path=${data}`, `--set=${backup.label}`];
  if (archiving === 'off') args.push('--archive-mode=off');
  if (target.kind === 'time') args.push('--type=time', `--target=${postgresTime(target.time)}`, '--target-exclusive', '--target-action=promote');
  return [...args, 'restore'];
}

// recovery_target_time in a form PostgreSQL parses unambiguously: "2026-11-24 04:50:00.123+00".
export function postgresTime(time: Date): string {
  return `${time.toISOString().replace('T', ' ').replace('Z', '')}+00`;
}

export const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
