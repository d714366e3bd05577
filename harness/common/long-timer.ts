// Node's timers hold at most 2^31-1 ms (24.8 days): a longer delay fires after 1 ms, with only
// a TimeoutOverflowWarning to say so. These timers never overflow: a long delay is a chain of
// timers of at most MAX_TIMER_MS each, so `abort.maxDuration: 30d` waits thirty days.

// The longest delay one Node timer holds.
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimerOptions {
  // Like Node's `unref`: the timer alone does not keep the process alive.
  readonly unref?: boolean;
}

// A pending long timeout; cancel() is idempotent and a no-op once it fired.
export interface LongTimeout {
  cancel(): void;
}

// Calls `fn` once after `ms` (0 or less: on the next timer turn), however long that is.
export function setLongTimeout(fn: () => void, ms: number, options: LongTimerOptions = {}): LongTimeout {
  let left = ms > 0 ? ms : 0; // NaN too; Infinity chains forever
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const step = Math.min(left, MAX_TIMER_MS);
    timer = setTimeout(() => {
      left -= step;
      if (left > 0) return arm();
      timer = undefined;
      fn();
    }, step);
    if (options.unref) timer.unref();
  };
  arm();
  return {
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

// Resolves after `ms`; rejects with `signal.reason` when the signal aborts first.
export function sleep(ms: number, signal?: AbortSignal, options: LongTimerOptions = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      pending.cancel();
      reject(abortReason(signal!));
    };
    const pending = setLongTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms, options);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// A delay for a library that sets one Node timer of its own (a driver's connect timeout):
// at most MAX_TIMER_MS, as good as never for anything kdrill waits on.
export function timerSafeMs(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}
