import type { FaultHandle } from './types.js';
import type { RevertRecord } from '../model/fault.js';

// A FaultHandle whose revert runs `heal` once: concurrent calls share one attempt, a success
// makes every later call a no-op, and a failure leaves it armed so it can be retried.
export function revertOnceHandle(record: RevertRecord, heal: () => Promise<void>): FaultHandle {
  let done = false;
  let running: Promise<void> | undefined;
  const revert = (): Promise<void> => {
    if (done) return Promise.resolve();
    running ??= heal().then(
      () => {
        done = true;
        running = undefined;
      },
      (error: unknown) => {
        running = undefined;
        throw error;
      },
    );
    return running;
  };
  return {
    id: record.faultId,
    revertRecord: record,
    get reverted() {
      return done;
    },
    revert,
    [Symbol.asyncDispose]: revert,
  };
}
