import { injectContext, type EngineInjectContext } from '../engine/inject-context.js';
import type { Journal, JournalEntry } from '../journal/entries.js';
import type { Clock } from '../model/time.js';
import { FakeClock } from './fake-clock.js';

// The context the engine gives an injector, for a test that drives one injector alone: its
// entries go to `journal`, stamped by `clock` (a FakeClock standing at 0 unless given).
export function testInjectContext(o: { runId: string; faultId: string; journal: Journal; signal: AbortSignal; stepId?: string; clock?: Clock; log?: (line: string) => void }): EngineInjectContext {
  const clock = o.clock ?? new FakeClock();
  return injectContext({
    runId: o.runId,
    faultId: o.faultId,
    stepId: o.stepId ?? 's1',
    signal: o.signal,
    record: (entry) => o.journal.append({ ...entry, at: clock.now() } as JournalEntry),
    ...(o.log ? { log: o.log } : {}),
  });
}
