import { ErrorCode, KdrillError } from '../common/errors.js';
import type { InjectContext } from '../faults/types.js';
import type { RevertRecord } from '../model/fault.js';
import type { UnstampedEntry } from '../journal/journal.js';

export interface EngineInjectContext extends InjectContext {
  // The revert record the injector armed, once it has.
  readonly armed: () => RevertRecord | undefined;
  readonly effectiveCalled: () => boolean;
}

// The context an injector runs in. The engine journals for it, stamping each entry's time
// (and `fault-armed`'s step): `arm` the revert record before any harm, `effective` the moment
// the harm took effect (the first call counts; when none came, the engine journals t0 as the
// injector returns) and `milestone` what completes later. Each milestone is also logged: it
// may come minutes after the step returned.
export function injectContext(o: { runId: string; faultId: string; stepId: string; record: (entry: UnstampedEntry) => Promise<void>; signal: AbortSignal; log?: (line: string) => void }): EngineInjectContext {
  let record: RevertRecord | undefined;
  let effective = false;
  return {
    runId: o.runId,
    faultId: o.faultId,
    signal: o.signal,
    armed: () => record,
    effectiveCalled: () => effective,
    async arm(revert) {
      if (revert.faultId !== o.faultId || revert.runId !== o.runId) {
        throw new KdrillError(ErrorCode.INTERNAL, `an injector armed ${revert.runId}/${revert.faultId} inside the context of ${o.runId}/${o.faultId}`);
      }
      if (record) throw new KdrillError(ErrorCode.INTERNAL, `${o.faultId} was armed twice; one revert record per fault`);
      await o.record({ kind: 'fault-armed', fault: o.faultId, step: o.stepId, revert });
      record = revert;
    },
    async effective(detail) {
      if (effective) return;
      effective = true;
      await o.record({ kind: 'fault-effective', fault: o.faultId, ...(detail ? { detail } : {}) });
    },
    async milestone(milestone, detail) {
      await o.record({ kind: 'fault-milestone', fault: o.faultId, milestone, ...(detail ? { detail } : {}) });
      o.log?.(`${o.faultId}: ${milestone}`); // long steps say they are alive
    },
  };
}
