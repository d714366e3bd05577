import type { Journal } from '../engine/journal-types.js';
import type { InjectContext } from './types.js';

// The context an injector runs in: `effective` and `milestone` journal through the same
// journal as the revert record (the engine's stamps `at`). The first `effective` counts; the
// engine asks `effectiveCalled` whether to journal t0 itself when inject() returns.
export function injectContext(o: { runId: string; faultId: string; journal: Journal; signal: AbortSignal }): InjectContext & { readonly effectiveCalled: () => boolean } {
  let effective = false;
  return {
    runId: o.runId,
    faultId: o.faultId,
    journal: o.journal,
    signal: o.signal,
    effectiveCalled: () => effective,
    async effective(detail) {
      if (effective) return;
      effective = true;
      await o.journal.append({ kind: 'fault-effective', at: 0, fault: o.faultId, ...(detail ? { detail } : {}) });
    },
    async milestone(milestone, detail) {
      await o.journal.append({ kind: 'fault-milestone', at: 0, fault: o.faultId, milestone, ...(detail ? { detail } : {}) });
    },
  };
}
