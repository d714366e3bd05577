import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout, sleep, timerSafeMs } from '../../../harness/common/long-timer.js';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';

const DAY = 86_400_000;

// Vitest's fake timers overflow as Node's do: a delay over 2^31-1 ms fires after 1 ms.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('setLongTimeout', () => {
  it('the Node timer it replaces fires a 30-day delay after 1 ms', () => {
    const fired = vi.fn();
    setTimeout(fired, 30 * DAY);
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('fires a 30-day delay after exactly 30 days, not before', () => {
    const fired = vi.fn();
    setLongTimeout(fired, 30 * DAY);
    vi.advanceTimersByTime(1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(60 * DAY);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('keeps at most one Node timer pending, none longer than one holds', () => {
    setLongTimeout(() => undefined, 100 * DAY);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('fires short and zero delays as setTimeout does', () => {
    const short = vi.fn();
    const now = vi.fn();
    setLongTimeout(short, 250);
    setLongTimeout(now, 0);
    vi.advanceTimersByTime(0);
    expect(now).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(249);
    expect(short).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(short).toHaveBeenCalledOnce();
  });

  it('cancel() stops it, in its first stretch or a later one, and leaves no timer behind', () => {
    const early = vi.fn();
    const late = vi.fn();
    const a = setLongTimeout(early, 30 * DAY);
    const b = setLongTimeout(late, 30 * DAY);
    a.cancel();
    vi.advanceTimersByTime(26 * DAY);
    b.cancel();
    b.cancel();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * DAY);
    expect(early).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
  });

  it('unref: every stretch is unref’d', () => {
    const unref = vi.fn();
    const real = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => Object.assign(real(fn, ms), { unref })) as unknown as typeof setTimeout);
    setLongTimeout(() => undefined, 30 * DAY, { unref: true });
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(unref).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});

describe('sleep', () => {
  it('resolves after exactly 30 days', async () => {
    let done = false;
    void sleep(30 * DAY).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(30 * DAY - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('rejects with the signal’s reason when it aborts, and leaves no timer behind', async () => {
    const controller = new AbortController();
    const slept = sleep(30 * DAY, controller.signal);
    await vi.advanceTimersByTimeAsync(26 * DAY);
    controller.abort(new Error('run stopped'));
    await expect(slept).rejects.toThrow('run stopped');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once for a signal aborted already', async () => {
    await expect(sleep(1_000, AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('monotonicClock().sleep', () => {
  it('waits the whole 30 days (the engine’s waits: maxDuration, fault durations, pauses)', async () => {
    let done = false;
    void monotonicClock().sleep(30 * DAY, undefined, { unref: true }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(25 * DAY);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(5 * DAY);
    expect(done).toBe(true);
  });
});

describe('timerSafeMs', () => {
  it('passes what one timer holds and clamps the rest', () => {
    expect(timerSafeMs(2_000)).toBe(2_000);
    expect(timerSafeMs(30 * DAY)).toBe(MAX_TIMER_MS);
    expect(timerSafeMs(-5)).toBe(0);
  });
});
