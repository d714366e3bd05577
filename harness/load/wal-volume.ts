import { withDb, type DbTarget } from '../db/target.js';
import type { RunningLoad } from './types.js';
import type { LoadSummary } from '../model/load.js';

// The WAL the server wrote while the load ran: the change rate the report's planning figures
// (replication and backup bandwidth) are derived from. Read as pg_current_wal_lsn() through
// the read-write endpoint when the load starts and when it stops.

export async function currentLsn(target: DbTarget): Promise<string | undefined> {
  return withDb(target, 5_000, async (c) => (await c.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]?.lsn).catch(() => undefined);
}

// "16/B374D848" → bytes.
export function lsnBytes(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

// Between two positions; undefined when the second is behind the first (a restore went back).
export function walBetween(start: string | undefined, end: string | undefined): number | undefined {
  if (!start || !end) return undefined;
  const bytes = lsnBytes(end) - lsnBytes(start);
  return bytes >= 0n ? Number(bytes) : undefined;
}

// The running load, its summary carrying `walBytes` when both ends could be read.
export async function withWalVolume(running: RunningLoad, target: DbTarget): Promise<RunningLoad> {
  const start = await currentLsn(target);
  return {
    stats: () => running.stats(),
    stop: async (): Promise<LoadSummary> => {
      const summary = await running.stop();
      const walBytes = walBetween(start, await currentLsn(target));
      return walBytes === undefined ? summary : { ...summary, walBytes };
    },
  };
}
