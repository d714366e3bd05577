import { performance } from 'node:perf_hooks';
import { sleep } from './long-timer.js';

// Milliseconds since creation on performance.now(): never goes back, ignores wall-clock steps.
// The shape of model/time.ts's Clock (common/ imports nothing above it, so it is not named).
export function monotonicClock(): { now(): number; sleep: typeof sleep } {
  const origin = performance.now();
  return {
    now: () => roundMicros(performance.now() - origin),
    // Chained timers: one Node timer alone would fire at once past 24.8 days.
    sleep: (ms, signal, options) => sleep(ms, signal, options),
  };
}

function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
