import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { formatDuration } from '../../../model/duration.js';
import type { NodePlan } from '../address-plan.js';
import { etcdHealthOf } from './observe.js';

// Polls `probe` until it returns a value, saying every `everyMs` what it is still waiting for.
export async function waitFor<T>(
  what: string,
  probe: () => Promise<{ done: true; value: T } | { done: false; why: string }>,
  options: { timeoutMs: number; intervalMs?: number; everyMs?: number; log?: (line: string) => void; signal?: AbortSignal },
): Promise<T> {
  const started = Date.now();
  let lastLog = started;
  let why = 'not checked yet';
  for (;;) {
    options.signal?.throwIfAborted();
    const result = await probe();
    if (result.done) return result.value;
    why = result.why;
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new KdrillError(ErrorCode.TIMEOUT, `${what}: not reached within ${formatDuration(options.timeoutMs)}: ${why}`);
    }
    if (options.log && Date.now() - lastLog >= (options.everyMs ?? 5_000)) {
      lastLog = Date.now();
      options.log(`still waiting for ${what} (${formatDuration(elapsed)}): ${why}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}

// Until every member of `nodes` reports etcd healthy.
export async function waitEtcdHealthy(nodes: readonly NodePlan[], what: string, options: { timeoutMs: number; log?: (line: string) => void; signal?: AbortSignal }): Promise<void> {
  await waitFor(
    what,
    async () => {
      const health = await Promise.all(nodes.map((n) => etcdHealthOf(n)));
      return health.every((h) => h === 'healthy') ? { done: true, value: undefined } : { done: false, why: health.map((h, i) => `${nodes[i]!.name} ${h}`).join(', ') };
    },
    options,
  );
}
