import type { EntryOf } from '../engine/journal.js';
import type { JournalEntry } from '../engine/journal-types.js';

// The disruption start: when the first (or the named) fault took effect, as journalled right
// after its injector returned.
export function disruptionStart(entries: readonly JournalEntry[], fault?: string): EntryOf<'fault-injected'> | undefined {
  return entries.find((e): e is EntryOf<'fault-injected'> => e.kind === 'fault-injected' && (fault === undefined || e.fault === fault));
}
