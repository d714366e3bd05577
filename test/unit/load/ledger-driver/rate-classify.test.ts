import { describe, expect, it } from 'vitest';
import { classifyWriteError } from '../../../../harness/load/ledger-driver/classify.js';
import { RateLimiter } from '../../../../harness/load/ledger-driver/rate.js';

describe('RateLimiter', () => {
  it('spaces sends evenly at the asked rate', () => {
    const limiter = new RateLimiter(200, 0);
    expect([0, 0, 0, 0].map(() => limiter.take(0))).toEqual([0, 5, 10, 15]);
  });

  it('skips the slots missed during an outage instead of bursting to catch up', () => {
    const limiter = new RateLimiter(100, 0);
    limiter.take(0);
    const after = [limiter.take(5_000), limiter.take(5_000), limiter.take(5_000)];
    expect(after).toEqual([5_000, 5_010, 5_020]);
  });

  it('never throttles with "max"', () => {
    const limiter = new RateLimiter('max', 0);
    expect([limiter.take(1), limiter.take(1)]).toEqual([1, 1]);
  });
});

describe('classifyWriteError', () => {
  it('counts a write as failed only when the server proves it did not commit', () => {
    expect(classifyWriteError({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' })).toEqual({ outcome: 'failed', reason: 'SQLSTATE 25006' });
    expect(classifyWriteError({ code: '23505', message: 'duplicate key' }).outcome).toBe('failed');
  });

  it('treats terminations, timeouts and lost connections as in doubt', () => {
    expect(classifyWriteError({ code: '57P01', message: 'terminating connection due to administrator command' })).toEqual({ outcome: 'in-doubt', reason: 'SQLSTATE 57P01' });
    expect(classifyWriteError(new Error('Query read timeout'))).toEqual({ outcome: 'in-doubt', reason: 'timeout' });
    expect(classifyWriteError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toEqual({ outcome: 'in-doubt', reason: 'ECONNRESET' });
    expect(classifyWriteError(new Error('Connection terminated unexpectedly')).outcome).toBe('in-doubt');
  });
});
