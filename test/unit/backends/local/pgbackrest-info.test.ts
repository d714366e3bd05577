import { describe, expect, it } from 'vitest';
import { recordOf } from '../../../../harness/backends/local/backup/pgbackrest.js';

// The shape `pgbackrest info --output=json` gives for one backup (2.x).
const incr = {
  label: '20261124-020000F_20261124-021000I',
  type: 'incr',
  prior: '20261124-020000F',
  timestamp: { start: 1_795_485_000, stop: 1_795_485_004 },
  info: { size: 60_000_000, delta: 3_000_000, repository: { size: 9_000_000, delta: 500_000 } },
  archive: { start: '000000010000000000000007', stop: '000000010000000000000007' },
};

describe('a pgBackRest backup record', () => {
  it('is read from info JSON: type, what it builds on, times, and the sizes that show how incremental it was', () => {
    expect(recordOf(incr)).toEqual({
      label: '20261124-020000F_20261124-021000I',
      type: 'incr',
      prior: '20261124-020000F',
      startedAt: '2026-11-24T01:50:00.000Z',
      stoppedAt: '2026-11-24T01:50:04.000Z',
      databaseBytes: 60_000_000,
      backupBytes: 3_000_000,
      repoBytes: 9_000_000,
      repoDeltaBytes: 500_000,
      walStart: '000000010000000000000007',
      walStop: '000000010000000000000007',
    });
  });

  it('refuses a type it does not know rather than guess', () => {
    expect(() => recordOf({ ...incr, type: 'block' })).toThrow('unknown type block');
  });
});
