import { describe, expect, it } from 'vitest';
import { interpolateClock, LiveClock, UNKNOWN_DRIFT } from '../../../../harness/load/ledger-remote/clock-map.js';
import type { ClockAlignment } from '../../../../harness/model/load.js';
import { mulberry32 } from '../../../helpers/prng.js';

// A reproducible stream of numbers in [0, 1).
const random = mulberry32;

// An exact reading: at local `at` the remote clock read at + shift.
const exact = (at: number, shift: number, uncertaintyMs = 0): ClockAlignment => ({ at, shift, uncertaintyMs });

describe('interpolateClock', () => {
  it('interpolates the shift between the alignments around a remote time and extrapolates from the nearest two', () => {
    // Shift 100 ms at 0, 101 at 1 s, 99 at 3 s (remote times 100, 1101, 3099).
    const clock = interpolateClock([exact(0, 100), exact(1000, 101), exact(3000, 99)]);
    expect(clock.toLocal(600.5)).toBeCloseTo(500, 9); // halfway: shift 100.5
    expect(clock.toLocal(2100)).toBeCloseTo(2000, 9); // halfway: shift 100
    expect(clock.toLocal(4098)).toBeCloseTo(4000, 9); // after the last: shift 98
    expect(clock.toLocal(-901)).toBeCloseTo(-1000, 9); // before the first: shift 99
    expect(clock.driftMs).toBe(-1);
  });

  it('adds to each alignment\'s ± the bend the drift rate\'s changes allow, and the extrapolation', () => {
    // A straight shift (1 ms per 1001 remote ms), each reading ±1 ms: nothing bends but what
    // the readings' ± can hide, (1+1)/1001 of slope on each side of the middle one.
    const clock = interpolateClock([exact(0, 0, 1), exact(1000, 1, 1), exact(2000, 2, 1)]);
    const bend = (4 / 1001) * 1001; // an end segment: Δk·L
    expect(clock.uncertaintyAt(500)).toBeCloseTo(1 + bend, 9);
    expect(clock.uncertaintyAt(1001)).toBeCloseTo(1 + bend, 9);
    // 1001 ms after the last: weights -1 and 2 on the readings, the rate for the distance.
    expect(clock.uncertaintyAt(3003)).toBeCloseTo(3 + bend + 1, 9);
    expect(clock.maxUncertainty(0, 2002)).toBeCloseTo(1 + bend, 9);
    expect(clock.maxUncertainty(0, 3003)).toBeCloseTo(3 + bend + 1, 9);
  });

  it('with two alignments takes half the drift for the bend, and with one the unknown drift rate', () => {
    const two = interpolateClock([exact(0, 0, 0.5), exact(10_000, 2, 0.5)]);
    expect(two.uncertaintyAt(5_001)).toBeCloseTo(0.5 + (2 + 1) / 2, 9);
    expect(two.toLocal(5_001)).toBeCloseTo(5_000, 9);
    const one = interpolateClock([exact(100, 40, 0.25)]);
    expect(one.toLocal(1_140)).toBe(1_100);
    expect(one.uncertaintyAt(1_140)).toBeCloseTo(0.25 + 1_000 * UNKNOWN_DRIFT, 12);
    expect(one.driftMs).toBe(0);
  });

  it('drops an alignment that is not later than the one before in both clocks', () => {
    const clock = interpolateClock([exact(0, 0), exact(1000, 1), exact(1000, 5), exact(2000, 2)]);
    expect(clock.alignments).toHaveLength(3);
    expect(clock.toLocal(1501.5)).toBeCloseTo(1500, 9);
  });

  // The bound's claim, against clocks whose truth is known: one sudden change of drift rate
  // anywhere, or a steadily changing rate, periodic alignments some of which failed (gaps),
  // every reading off by up to its own ±. The true local time of every remote time lies
  // within the ± reported for it.
  it('holds every converted time within its ± for thousands of scripted clocks', () => {
    const cases = 2_000;
    for (let seed = 1; seed <= cases; seed++) {
      const next = random(seed);
      const ppm = (x: number) => (x * 2 - 1) * 500e-6;
      const endMs = 60_000 + next() * 840_000;
      const rate1 = ppm(next());
      const rate2 = ppm(next());
      const knee = next() * endMs;
      const steady = next() < 0.3;
      const offset = (next() * 2 - 1) * 1e6;
      // The remote clock's reading minus kdrill's, at local time l.
      const trueShift = (l: number): number =>
        offset + (steady ? rate1 * l + ((rate2 - rate1) / endMs) * (l * l) / 2 : l < knee ? rate1 * l : rate1 * knee + rate2 * (l - knee));
      const periodMs = 30_000;
      const times = [0];
      const middle: number[] = [];
      for (let t = periodMs; t < endMs; t += periodMs) if (next() > 0.3) middle.push(t);
      if (middle.length === 0) middle.push(periodMs);
      times.push(...middle, endMs);
      const alignments = times.map((at) => {
        const u = 0.1 + next() * 3;
        return exact(at, trueShift(at) + (next() * 2 - 1) * u, u);
      });
      const clock = interpolateClock(alignments);
      let worst = 0;
      for (let i = 0; i <= 200; i++) {
        const local = (i / 200) * endMs;
        const remote = local + trueShift(local);
        const error = Math.abs(clock.toLocal(remote) - local);
        const allowed = clock.uncertaintyAt(remote);
        if (error > allowed + 1e-6) throw new Error(`seed ${seed}: at local ${local.toFixed(0)} ms the conversion is off by ${error.toFixed(3)} ms, more than its ±${allowed.toFixed(3)} ms`);
        worst = Math.max(worst, allowed);
      }
      expect(clock.maxUncertainty(trueShift(0), endMs + trueShift(endMs))).toBeGreaterThanOrEqual(worst - 1e-9);
    }
  });
});

describe('LiveClock', () => {
  // A remote clock 250 ppm fast, then 100 ppm slow from 45 s on; alignments every 30 s.
  const shift = (l: number): number => 5_000 + (l < 45_000 ? 250e-6 * l : 250e-6 * 45_000 - 100e-6 * (l - 45_000));
  const alignment = (at: number): ClockAlignment => exact(at, shift(at), 0.2);

  it('never jumps, only increases, converts back exactly, and never changes a time it has handed out', () => {
    const live = new LiveClock(30_000);
    expect(live.add(alignment(0))).toBe(true);
    const handedOut: [number, number][] = [];
    for (const at of [30_000, 60_000, 90_000]) {
      // Times before the next alignment, converted with what is known so far.
      for (let l = at - 30_000; l < at; l += 997) {
        const r = l + shift(l);
        handedOut.push([r, live.toLocal(r)]);
      }
      const r = at + shift(at);
      const before = live.toLocal(r);
      expect(live.add(alignment(at))).toBe(true);
      expect(Math.abs(live.toLocal(r) - before)).toBeLessThan(1e-9); // continuous where it switches
    }
    for (const [r, l] of handedOut) {
      expect(live.toLocal(r)).toBeCloseTo(l, 9);
      expect(live.toRemote(l)).toBeCloseTo(r, 6);
    }
    for (let i = 1; i < handedOut.length; i++) expect(handedOut[i]![1]).toBeGreaterThan(handedOut[i - 1]![1]);
  });

  it('steers onto the line through the last two alignments within the horizon, and ignores one that is not later', () => {
    const live = new LiveClock(30_000);
    live.add(alignment(0));
    live.add(alignment(30_000));
    live.add(alignment(60_000));
    // From 60 s + 30 s (remote) on, the line through the alignments at 30 s and 60 s.
    const a = alignment(30_000);
    const b = alignment(60_000);
    const k = (b.at - a.at) / (b.at + b.shift - (a.at + a.shift));
    const r = b.at + b.shift + 40_000;
    expect(live.toLocal(r)).toBeCloseTo(b.at + 40_000 * k, 6);
    expect(live.add(exact(60_000, shift(60_000) + 1, 0.2))).toBe(false);
  });
});
