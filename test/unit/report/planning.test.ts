import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../harness/journal/index.js';
import { walBetween, lsnBytes } from '../../../harness/load/wal-volume.js';
import { planningRows } from '../../../harness/report/planning.js';

const stop = (walBytes?: number): JournalEntry => ({
  kind: 'load-stop',
  at: 200_000,
  summary: { driver: 'ledger', startedAt: 0, stoppedAt: 100_000, sent: 1, acked: 1, failed: 0, inDoubt: 0, ackedPerSecond: 1, errors: {}, ...(walBytes !== undefined ? { walBytes } : {}) },
});

describe('planning figures', () => {
  it('derive the change rate from the WAL the load wrote, and the bandwidth to carry it', () => {
    const rows = planningRows([stop(100 * 1024 * 1024)]); // 100 MiB in 100 s
    expect(rows.map((r) => [r.name, r.value])).toEqual([
      ['WAL written', '100 MiB in 1m40s'],
      ['change rate', '1.0 MiB/s, 84 GiB a day'],
      ['asynchronous replication', '≥ 1.0 MiB/s (8.4 Mbit/s) sustained'],
      ['hourly incremental backups', '3.5 GiB an hour, ≥ 1.0 MiB/s (8.4 Mbit/s) to copy each within its hour'],
    ]);
    expect(planningRows([stop()])).toEqual([]);
  });

  it('reads WAL positions as PostgreSQL writes them, and refuses a position that went back', () => {
    expect(lsnBytes('1/0')).toBe(4_294_967_296n);
    expect(walBetween('0/16B3748', '0/26B3748')).toBe(0x1000000);
    expect(walBetween('1/0', '0/FFFFFFFF')).toBeUndefined(); // a restore to an earlier point
    expect(walBetween(undefined, '0/1')).toBeUndefined();
  });
});
