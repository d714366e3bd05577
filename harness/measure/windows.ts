import type { EntryOf } from '../journal/journal.js';
import type { JournalEntry } from '../journal/entries.js';
import type { FaultWindow } from './types.js';

type Effective = EntryOf<'fault-effective'> | EntryOf<'fault-injected'>;

// When each fault's harm took effect: its fault-effective entry, or for journals written
// before injectors said so, the moment the injector returned.
function effectiveEntries(entries: readonly JournalEntry[]): Effective[] {
  const seen = new Map<string, Effective>();
  for (const e of entries) {
    if (e.kind === 'fault-effective' && !(seen.get(e.fault)?.kind === 'fault-effective')) seen.set(e.fault, e);
    else if (e.kind === 'fault-injected' && !seen.has(e.fault)) seen.set(e.fault, e);
  }
  return [...seen.values()].sort((a, b) => a.at - b.at);
}

/**
 * One measurement window per fault that took effect, in order of t0: from its t0 to the next
 * fault's t0, the last one open-ended. A recovery step (a failover, a restore) between two
 * faults belongs to the window of the fault before it: the one it answers.
 */
export function faultWindows(entries: readonly JournalEntry[]): FaultWindow[] {
  const start = entries.find((e): e is EntryOf<'run-start'> => e.kind === 'run-start');
  const planned = new Map((start?.plan.steps ?? []).flatMap((s) => (s.kind === 'fault' ? [[s.id, s] as const] : [])));
  const starts = effectiveEntries(entries);
  return starts.map((effective, i): FaultWindow => {
    const fault = effective.fault;
    const armed = entries.find((e): e is EntryOf<'fault-armed'> => e.kind === 'fault-armed' && e.fault === fault);
    const injected = entries.find((e): e is EntryOf<'fault-injected'> => e.kind === 'fault-injected' && e.fault === fault);
    const reverting = entries.find((e): e is EntryOf<'fault-reverting'> => e.kind === 'fault-reverting' && e.fault === fault);
    const reverted = entries.find((e): e is EntryOf<'fault-reverted'> => e.kind === 'fault-reverted' && e.fault === fault);
    const step = armed?.step || (/^(s\d+)/.exec(fault)?.[1] ?? fault);
    const plannedStep = planned.get(step);
    return {
      fault,
      step,
      type: armed?.revert.type ?? plannedStep?.fault.type ?? 'unknown',
      armedAt: armed?.at ?? effective.at,
      t0: effective.at,
      ...(injected ? { injectedAt: injected.at } : {}),
      ...(reverting ? { revertingAt: reverting.at } : {}),
      ...(reverted ? { revertedAt: reverted.at } : {}),
      end: starts[i + 1]?.at ?? Number.POSITIVE_INFINITY,
      expectNoImpact: plannedStep?.fault.expect === 'no-impact',
    };
  });
}

// The window a moment falls in: the last fault whose t0 is at or before it.
export function windowAt(windows: readonly FaultWindow[], at: number): FaultWindow | undefined {
  return windows.findLast((w) => w.t0 <= at);
}
