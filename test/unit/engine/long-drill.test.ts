import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';
import type { RunResult } from '../../../harness/engine/result.js';
import { fakeDrill, kinds } from '../../helpers/drill.js';
import { plan } from '../../helpers/plan-builder.js';

const DAY = 86_400_000;

// The run's real clock on the fake backend, under Vitest's fake timers (which overflow as
// Node's do: one timer over 24.8 days fires after 1 ms). Only timeouts are faked, so the
// engine's other turns (setImmediate, promises) run as usual.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a drill longer than one Node timer holds', () => {
  it('maxDuration 30d does not abort at once; a 25d fault is reverted after 25 days, not after 1 ms', async () => {
    const drill = fakeDrill();
    const p = plan().maxDurationMs(30 * DAY).fault('node-crash', { node: 'a-1' }, { name: 'slow', durationMs: 25 * DAY }).pause(26 * DAY).build();
    let result: RunResult | undefined;
    const running = drill.start(p, { clock: monotonicClock() }).then((r) => (result = r));

    await vi.advanceTimersByTimeAsync(1_000);
    expect(kinds(drill.journal.entries)).not.toContain('abort');
    expect(kinds(drill.journal.entries, 's1-slow')).toEqual(['fault-armed', 'fault-effective', 'fault-injected']);

    await vi.advanceTimersByTimeAsync(25 * DAY - 2_000);
    expect(kinds(drill.journal.entries, 's1-slow')).toEqual(['fault-armed', 'fault-effective', 'fault-injected']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(kinds(drill.journal.entries, 's1-slow')).toEqual(['fault-armed', 'fault-effective', 'fault-injected', 'fault-reverting', 'fault-reverted']);
    expect(drill.journal.entries.find((e) => e.kind === 'fault-reverted')).toMatchObject({ reason: 'duration-elapsed' });
    expect(result).toBeUndefined();

    await vi.advanceTimersByTimeAsync(1 * DAY + 1_000);
    await running;
    expect(kinds(drill.journal.entries)).not.toContain('abort');
    expect(result?.status).toBe('passed');
  });

  it('and a 30d maxDuration still stops a drill that runs longer, after 30 days', async () => {
    const drill = fakeDrill();
    const p = plan().maxDurationMs(30 * DAY).pause(40 * DAY).build();
    let result: RunResult | undefined;
    const running = drill.start(p, { clock: monotonicClock() }).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(30 * DAY - 1_000);
    expect(kinds(drill.journal.entries)).not.toContain('abort');
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2_000);
    await running;
    expect(drill.journal.entries.find((e) => e.kind === 'abort')).toMatchObject({ reason: 'max duration 30d exceeded' });
    expect(result?.status).toBe('aborted');
  });
});
