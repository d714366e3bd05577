import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { formatDuration } from '../../../common/duration.js';

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
