import { setLongTimeout } from '../common/long-timer.js';
import { PROBE_IMPLEMENTATIONS } from './api.js';
import type { ProbeContext, ProbeName, ProbeReading } from './types.js';

export interface ProbeObservation {
  readonly probe: ProbeName;
  readonly reading: ProbeReading;
}

export interface RunningMonitor {
  stop(): Promise<void>;
}

// Runs each probe every `intervalMs` until stopped and reports a reading only when it differs
// from the previous one (ok, or the state key: another leader, fewer replicas). The journal
// then holds each transition, with its time, and not thousands of identical readings. Stopping
// takes one last reading of each probe, so a recovery just before the stop is on record.
export function startMonitor(probes: readonly ProbeName[], ctx: ProbeContext, intervalMs: number, onChange: (o: ProbeObservation) => Promise<void>): RunningMonitor {
  let stopping = false;
  const sleepers = new Set<() => void>();
  const loops = probes.map(async (name) => {
    let last: string | undefined;
    for (let final = false; !final; ) {
      final = stopping;
      const began = performance.now();
      const reading = await PROBE_IMPLEMENTATIONS[name](ctx, {});
      const state = `${reading.ok}|${reading.key ?? ''}`;
      if (state !== last) {
        last = state;
        await onChange({ probe: name, reading }).catch(() => undefined);
      }
      if (final) break;
      const wait = intervalMs - (performance.now() - began);
      if (wait > 0 && !stopping) {
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            timer.cancel();
            sleepers.delete(wake);
            resolve();
          };
          const timer = setLongTimeout(wake, wait);
          sleepers.add(wake);
        });
      }
    }
  });
  return {
    async stop() {
      stopping = true;
      for (const wake of [...sleepers]) wake();
      await Promise.all(loops);
    },
  };
}
