import { performance } from 'node:perf_hooks';
import { sleep } from '../common/long-timer.js';
import type { Clock } from '../model/time.js';

// Milliseconds since creation on performance.now(): never goes back, ignores wall-clock steps.
export function monotonicClock(): Clock {
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
