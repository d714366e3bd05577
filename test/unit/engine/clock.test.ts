import { describe, expect, it, vi } from 'vitest';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';
import { FakeClock } from '../../../harness/testing/fake-clock.js';

describe('FakeClock (manual)', () => {
  it('wakes sleepers in deadline order only when time is advanced past them', async () => {
    const clock = new FakeClock();
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`c@${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    void clock.sleep(200).then(() => woke.push(`b@${clock.now()}`));
    await clock.advance(150);
    expect(woke).toEqual(['a@100']);
    expect(clock.now()).toBe(150);
    await clock.advance(1_000);
    expect(woke).toEqual(['a@100', 'b@200', 'c@300']);
    expect(clock.now()).toBe(1_150);
  });

  it('wakes sleeps scheduled by woken code within the same advance', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        times.push(clock.now());
      }
    })();
    await clock.advance(25);
    expect(times).toEqual([10, 20]);
  });

  it('rejects a sleep with the abort reason and forgets it', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow('stop');
  });
});

describe('FakeClock (auto)', () => {
  it('jumps to each deadline as soon as the program is idle', async () => {
    const clock = new FakeClock({ auto: true });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      await clock.sleep(3_600_000);
      expect(clock.now()).toBe(3_600_000);
      await Promise.all([clock.sleep(10), clock.sleep(5)]);
      expect(clock.now()).toBe(3_600_010);
      // No real time was waited for: no timer as long as the sleeps was ever set.
      expect(timers.mock.calls.filter(([, ms]) => (ms ?? 0) >= 5)).toEqual([]);
    } finally {
      timers.mockRestore();
    }
  });

  it('does not jump for unref sleeps alone', async () => {
    const clock = new FakeClock({ auto: true });
    let fired = false;
    void clock.sleep(1_000, undefined, { unref: true }).then(() => (fired = true));
    await clock.flush();
    await clock.flush();
    expect(fired).toBe(false);
    await clock.sleep(2_000);
    expect(fired).toBe(true);
    expect(clock.now()).toBe(2_000);
  });
});

describe('monotonicClock', () => {
  it('starts near zero, never goes back, and sleeps about as long as asked', async () => {
    const before = performance.now();
    const clock = monotonicClock();
    const first = clock.now();
    const elapsed = performance.now() - before;
    // It counts from its own creation: its first reading is at most the time since then.
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(elapsed);
    await clock.sleep(20);
    expect(clock.now() - first).toBeGreaterThanOrEqual(19);
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = monotonicClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
  });
});
