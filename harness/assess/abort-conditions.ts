import type { DbTarget } from '../db/target.js';
import type { Ledger } from '../load/ledger/ledger.js';
import type { RunningLoad } from '../load/types.js';
import type { LoadStats } from '../model/load.js';
import type { AbortSpec } from '../scenario/schema/abort.js';
import { formatDuration } from '../model/duration.js';
import { isReplica, readLedgerTable } from '../verify/ledger-readback/read.js';
import { missingAcknowledged } from '../measure/index.js';

const SAMPLE_MS = 1_000;
const DATA_LOSS_CHECK_MS = 5_000;

export interface RunningWatch {
  stop(): Promise<void>;
}

// The error rate of one second of load: attempts that did not succeed (failed, in doubt, or
// could not even connect) over all attempts that ended. A second in which nothing ended while
// the load ran (every write hanging) counts as 100 %: clients saw no success at all.
export function errorRateOf(previous: LoadStats, now: LoadStats): number {
  const bad = now.failed - previous.failed + (now.inDoubt - previous.inDoubt) + (now.connectFailures - previous.connectFailures);
  const ended = bad + (now.acked - previous.acked);
  return ended === 0 ? 100 : (100 * bad) / ended;
}

// Aborts when every one-second sample over `for` is above the bound.
export function watchErrorRate(spec: NonNullable<AbortSpec['errorRate']>, load: RunningLoad, abort: (reason: string) => void): RunningWatch {
  let previous = load.stats();
  let aboveSince: number | undefined;
  const timer = setInterval(() => {
    const now = load.stats();
    const rate = errorRateOf(previous, now);
    previous = now;
    const at = performance.now();
    if (rate <= spec.above) {
      aboveSince = undefined;
      return;
    }
    aboveSince ??= at - SAMPLE_MS;
    if (at - aboveSince >= spec.for) abort(`error rate above ${spec.above}% for ${formatDuration(spec.for)} (last second: ${rate.toFixed(1)}%)`);
  }, SAMPLE_MS);
  return { stop: async () => clearInterval(timer) };
}

// Every few seconds, reads the ledger table back and aborts at the first acknowledged write
// that is missing. Reads that fail (no primary yet) are retried at the next round.
export function watchDataLoss(target: DbTarget, ledger: Ledger, now: () => number, abort: (reason: string) => void, log: (line: string) => void, read: typeof readLedgerTable = readLedgerTable): RunningWatch {
  let stopping = false;
  let running: Promise<void> = Promise.resolve();
  const check = async (): Promise<void> => {
    // Only writes acknowledged before the read began are surely in its snapshot.
    const sent = ledger.size;
    const readFrom = now();
    try {
      const { ids, server } = await read(target, sent, 5_000);
      // A replica behind the read-write endpoint (a primary just demoted, HAProxy not yet
      // switched) may lag: only the primary's rows prove a loss.
      if (isReplica(server)) {
        log(`data-loss check skipped: the read reached ${server}, not the primary`);
        return;
      }
      const { missing, ids: missingIds } = missingAcknowledged(ledger, ids, 5, readFrom);
      if (missing > 0 && !stopping) abort(`data loss: ${missing} acknowledged write${missing === 1 ? ' is' : 's are'} missing on the primary ${server} (ids ${missingIds.join(', ')}${missing > missingIds.length ? ', …' : ''})`);
    } catch (error) {
      log(`data-loss check skipped: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => {
    running = running.then(() => (stopping ? undefined : check()));
  }, DATA_LOSS_CHECK_MS);
  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      await running;
    },
  };
}
