import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../harness/model/duration.js';
import { mulberry32, randomInt } from '../../helpers/prng.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['0s', 0],
    ['90s', 90 * SECOND],
    ['1.5s', 1_500],
    ['15m', 15 * MINUTE],
    ['1h', HOUR],
    ['1h30m', HOUR + 30 * MINUTE],
    ['2d', 2 * DAY],
    ['1d2h3m4s5ms', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND + 5],
    [' 15m ', 15 * MINUTE],
    ['PT15M', 15 * MINUTE],
    ['PT1.5S', 1_500],
    ['PT0S', 0],
    ['P1DT2H', DAY + 2 * HOUR],
    ['P1W', 7 * DAY],
    ['P1DT1H1M1.5S', DAY + HOUR + MINUTE + 1_500],
    ['pt15m', 15 * MINUTE],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [''],
    ['   '],
    ['ninety'],
    ['5 minutes'],
    ['1h 30m'],
    ['30'],
    ['0'],
    ['P'],
    ['PT'],
    ['P1DT'],
    ['-5s'],
    ['+5s'],
    ['1y'],
    ['1w'],
    ['P1M'], // a month: ambiguous length
    ['P1Y'],
    ['10M'],
    ['15MS'],
    ['1e3s'],
    ['1m30'],
    ['s'],
    ['.5s'],
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [MINUTE, '1m'],
    [90 * SECOND, '1m30s'],
    [HOUR + 30 * MINUTE, '1h30m'],
    [DAY, '1d'],
    [DAY + 2 * HOUR + 3 * MINUTE + 4_005, '1d2h3m4.005s'],
    [-5 * SECOND, '-5s'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration for whole milliseconds', () => {
    const samples = [0, 1, 7, 999, 1_000, 1_001, 59_999, MINUTE, 61_234, HOUR - 1, HOUR, 5_400_000, DAY - 1, DAY, 93_784_005, 35 * DAY, 365 * DAY + 1];
    for (const ms of samples) {
      expect(parseDuration(formatDuration(ms)), `formatDuration(${ms}) = ${formatDuration(ms)}`).toBe(ms);
    }
  });

  it('round-trips every value of a seeded sample', () => {
    const random = mulberry32(0x5eed);
    for (let i = 0; i < 500; i++) {
      const ms = randomInt(random, 40 * DAY);
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });

  it('parses its own text back to the same text', () => {
    for (const text of ['500ms', '15m', '1h30m', '1d2h', '2m5s', '20m34.567s']) {
      expect(formatDuration(parseDuration(text)!)).toBe(text);
    }
  });
});
