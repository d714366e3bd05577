import type { JournalEntry } from './entries.js';
import type { MonoTime } from '../model/time.js';

// The run's monotonic clock against the wall clock: run-start records both at one moment.
// Wall times are what PostgreSQL and pgBackRest speak (recovery targets); journal times are
// monotonic.

export function wallTimeAt(entries: readonly JournalEntry[], at: MonoTime): Date | undefined {
  const start = entries.find((e) => e.kind === 'run-start');
  if (!start || start.kind !== 'run-start') return undefined;
  return new Date(Date.parse(start.wall) + (at - start.at));
}

export function monoTimeAt(entries: readonly JournalEntry[], wall: Date): MonoTime | undefined {
  const start = entries.find((e) => e.kind === 'run-start');
  if (!start || start.kind !== 'run-start') return undefined;
  return start.at + (wall.getTime() - Date.parse(start.wall));
}
