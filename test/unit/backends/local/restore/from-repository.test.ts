import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../../../harness/backends/local/address-plan.js';
import type { BackupRecord } from '../../../../../harness/backends/local/backup/pgbackrest.js';
import { scratchPgHba, scratchPostgresConf } from '../../../../../harness/backends/local/config/scratch-postgres.js';
import { chooseBackup, postgresTime, RestoreFailed, restoreArgs } from '../../../../../harness/backends/local/restore/from-repository.js';

const backup = (label: string, stoppedAt: string): BackupRecord => ({ label, type: 'full', startedAt: stoppedAt, stoppedAt, databaseBytes: 1, backupBytes: 1, repoBytes: 1, repoDeltaBytes: 1 });
const backups = [backup('F1', '2030-01-01T00:00:00.000Z'), backup('F2', '2030-01-01T01:00:00.000Z')];

describe('restore targets', () => {
  it('plans each restore its own /30 in the slot\'s last /24, away from every zone', () => {
    expect(planRestore({ mode: 'netns', clusterId: 'ab12', slot: 2 }, 1)).toEqual({
      name: 'restore-1',
      index: 1,
      netns: 'kdrill-ab12-restore-1',
      address: '198.18.47.6',
      routerAddress: '198.18.47.5',
      subnet: '198.18.47.4/30',
      routerPort: 'v-restore-1',
    });
    expect(planRestore({ mode: 'loopback', clusterId: 'ab12', slot: 0 }, 3).address).toBe('127.18.15.14');
    expect(() => planRestore({ mode: 'netns', clusterId: 'ab12', slot: 0 }, 64)).toThrow(RangeError);
  });

  it('restores the newest backup, or for a time the newest that finished before it', () => {
    expect(chooseBackup(backups, { kind: 'latest' }).label).toBe('F2');
    expect(chooseBackup(backups, { kind: 'time', time: new Date('2030-01-01T00:30:00Z'), basis: 't' }).label).toBe('F1');
    const none = (() => {
      try {
        chooseBackup(backups, { kind: 'time', time: new Date('2029-12-31T23:00:00Z'), basis: 't' });
      } catch (error) {
        return error;
      }
    })();
    expect(none).toBeInstanceOf(RestoreFailed);
    expect((none as Error).message).toBe('no backup finished before 2029-12-31T23:00:00.000Z: the oldest finished at 2030-01-01T00:00:00.000Z');
    expect(() => chooseBackup([], { kind: 'latest' })).toThrow('the repository holds no backup to restore');
  });

  it('asks pgBackRest for the chosen set, archiving off, and an exclusive time target that promotes', () => {
    expect(restoreArgs('/d', backups[0]!, { kind: 'latest' })).toEqual(['--pg1-path=/d', '--set=F1', '--archive-mode=off', 'restore']);
    expect(restoreArgs('/d', backups[0]!, { kind: 'time', time: new Date('2030-01-01T00:30:00.125Z'), basis: 't' })).toEqual([
      '--pg1-path=/d',
      '--set=F1',
      '--archive-mode=off',
      '--type=time',
      '--target=2030-01-01 00:30:00.125+00',
      '--target-exclusive',
      '--target-action=promote',
      'restore',
    ]);
    expect(postgresTime(new Date('2030-06-01T12:00:00Z'))).toBe('2030-06-01 12:00:00.000+00');
  });

  it('configures the restored instance on its own address, archiving nothing', () => {
    const conf = scratchPostgresConf({ address: '198.18.15.6', port: 5432, socketDir: '/r/restore-1' });
    expect(conf).toContain("listen_addresses = '198.18.15.6'");
    expect(conf).toContain('archive_mode = off');
    expect(conf).toContain("archive_command = ''");
    expect(conf).not.toMatch(/include/);
    expect(scratchPgHba('198.18.0.0/15')).toBe('local all all trust\nhost all all 198.18.0.0/15 scram-sha-256\n');
  });
});
