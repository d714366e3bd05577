import type { InjectContext } from '../../../faults/types.js';

// Work that completes a fault after inject() returned (a crashed node's pods released, a
// drain's evictions), owned by the fault's handle.
export interface BackgroundWork {
  // Aborts the work and resolves once it has settled: nothing of it runs afterwards.
  stop(): Promise<void>;
  // Resolves when the work finished, failed or was stopped; never rejects.
  readonly settled: Promise<void>;
}

// Runs `work` without awaiting it, until it ends, the handle stops it or the run stops
// (ctx.signal). It never rejects: a failure is logged and journalled as the milestone
// `release-failed`, a stop before the end as `release-stopped`, each naming why.
export function startInBackground(ctx: Pick<InjectContext, 'signal' | 'milestone'>, log: (line: string) => void, what: string, work: (signal: AbortSignal) => Promise<void>): BackgroundWork {
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, ctx.signal]);
  const milestone = async (name: string, detail: Record<string, unknown>): Promise<void> => {
    try {
      await ctx.milestone(name, detail);
    } catch (error) {
      log(`${what}: could not journal ${name}: ${messageOf(error)}`);
    }
  };
  const settled = (async () => {
    try {
      await work(signal);
    } catch (error) {
      if (signal.aborted) {
        const reason = controller.signal.aborted ? 'reverted' : 'run stopped';
        log(`${what}: stopped before it finished (${reason})`);
        await milestone('release-stopped', { reason });
        return;
      }
      log(`${what} failed: ${messageOf(error)}`);
      await milestone('release-failed', { error: messageOf(error) });
    }
  })();
  return {
    settled,
    stop: async () => {
      controller.abort();
      await settled;
    },
  };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
