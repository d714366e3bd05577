// Milliseconds on the harness's one monotonic clock, measured from the run's start.
export type MonoTime = number;

export interface SleepOptions {
  // A daemon timer (the max-duration watchdog): like Node's `unref`, it does not by itself
  // make a test clock in auto mode jump ahead.
  readonly unref?: boolean;
}

// The one time source of a run: every journal `at` and every wait comes from here.
export interface Clock {
  now(): MonoTime;
  // Resolves after `ms`; rejects with `signal.reason` when the signal aborts first.
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void>;
}
