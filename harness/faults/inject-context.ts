import type { Journal } from '../engine/journal-types.js';
import type { InjectContext } from './types.js';

// The context an injector runs in: `effective` and `milestone` journal through the same
// journal as the revert record (the engine's stamps `at`). The first `effective` counts; the
// engine asks `effectiveCalled` whether to journal t0 itself when inject() returns. Each
// milestone is also logged: it may come minutes after the step returned.
export function injectContext(o: { runId: string; faultId: string; journal: Journal; signal: AbortSignal; log?: (line: string) => void }): InjectContext & { readonly effectiveCalled: () => boolean } {
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
      o.log?.(`${o.faultId}: ${milestone}`); // long steps say they are alive
    },
  };
}
