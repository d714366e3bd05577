import { formatDuration } from '../model/duration.js';
import type { EntryOf, JournalEntry } from '../journal/index.js';

// Capacity figures derived from what the drill measured: the change rate (WAL written while
// the load ran) and the bandwidth that would carry it, by the rule "daily change volume
// divided by the replication window". They hold at this drill's load, not at production's.
export interface PlanningRow {
  readonly name: string;
  readonly value: string;
  readonly how: string;
}

const DAY_S = 86_400;

export function planningRows(entries: readonly JournalEntry[]): PlanningRow[] {
  const stop = entries.findLast((e): e is EntryOf<'load-stop'> => e.kind === 'load-stop');
  const wal = stop?.summary.walBytes;
  const seconds = stop ? (stop.summary.stoppedAt - stop.summary.startedAt) / 1000 : 0;
  if (!stop || wal === undefined || seconds <= 0) return [];
  const rate = wal / seconds; // bytes per second
  const daily = rate * DAY_S;
  return [
    { name: 'WAL written', value: `${bytes(wal)} in ${formatDuration(Math.round(seconds) * 1000)}`, how: `pg_current_wal_lsn() when the ${stop.summary.driver} load started and stopped` },
    { name: 'change rate', value: `${bytes(rate)}/s, ${bytes(daily)} a day`, how: 'WAL written ÷ the load\'s duration, sustained for a day' },
    { name: 'asynchronous replication', value: `≥ ${bytes(rate)}/s (${mbit(rate)}) sustained`, how: 'daily change volume ÷ a 24 h replication window (continuous streaming); any less and replica lag grows without bound' },
    { name: 'hourly incremental backups', value: `${bytes(rate * 3_600)} an hour, ≥ ${bytes(rate)}/s (${mbit(rate)}) to copy each within its hour`, how: 'the hour\'s change volume ÷ a 1 h window; pgBackRest copies a changed file whole, so expect more (npm run bench:backup)' },
  ];
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

const mbit = (bytesPerSecond: number) => `${((bytesPerSecond * 8) / 1_000_000).toFixed(1)} Mbit/s`;
