import type { Clock } from '../../harness/model/time.js';
import type { EventBuffer } from '../../harness/load/ledger-remote/event-buffer.js';
import type { RunningLoad } from '../../harness/load/types.js';

// A load for the remote ledger driver's server without a database: a write every `everyMs`,
// every fifth one in doubt, the rest acknowledged by "db-0" 1 ms later.
export function fakeRemoteLoad(clock: Clock, everyMs = 5): (writer: EventBuffer) => RunningLoad {
  return (writer) => {
    const counts = { sent: 0, acked: 0, failed: 0, inDoubt: 0 };
    const timer = setInterval(() => {
      const at = clock.now();
      const id = writer.send(at);
      counts.sent++;
      if (id % 5 === 0) {
        writer.failed(id, at + 1, 'in-doubt');
        counts.inDoubt++;
      } else {
        writer.acked(id, at + 1, 'db-0');
        counts.acked++;
      }
    }, everyMs);
    return {
      stats: () => ({ ...counts, connectFailures: 0 }),
      stop: async () => {
        clearInterval(timer);
        return { driver: 'ledger', startedAt: 0, stoppedAt: clock.now(), ...counts, ackedPerSecond: 0, errors: { timeout: counts.inDoubt } };
      },
    };
  };
}
