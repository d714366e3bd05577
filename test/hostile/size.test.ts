import { describe, expect, it } from 'vitest';
import { HOSTILE_CASES } from './cases/index.js';

describe('the hostile catalogue', () => {
  it('holds at least 100 cases, each named once', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
  });
});
