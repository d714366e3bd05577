import { sleep } from '../common/long-timer.js';
import type { ProbeCheckResult } from '../journal/entries.js';
import type { SteadyStateSpec } from '../scenario/schema/steady-state.js';
import { PROBE_IMPLEMENTATIONS } from './api.js';
import type { ProbeContext } from './types.js';

type ProbeCheck = SteadyStateSpec['before'][number];

// Polls every check until it holds or its `within` runs out, all at once; says what each saw last.
export async function checkSteadyState(checks: readonly ProbeCheck[], ctx: ProbeContext, pollMs: number, signal?: AbortSignal): Promise<ProbeCheckResult[]> {
  return Promise.all(
    checks.map(async (check): Promise<ProbeCheckResult> => {
      const probe = PROBE_IMPLEMENTATIONS[check.probe];
      const options = { ...(check.maxLag !== undefined ? { maxLagMs: check.maxLag } : {}), ...(check.replicas !== undefined ? { replicas: check.replicas } : {}) };
      const deadline = performance.now() + check.within;
      const started = performance.now();
      for (;;) {
        const reading = await probe(ctx, options);
        const took = Math.round(performance.now() - started);
        if (reading.ok) return { probe: check.probe, held: true, detail: `${reading.detail} (held after ${took} ms)` };
        if (performance.now() + pollMs > deadline || signal?.aborted) return { probe: check.probe, held: false, detail: `${reading.detail} (still after ${took} ms, within ${check.within} ms)` };
        await sleep(pollMs);
      }
    }),
  );
}
