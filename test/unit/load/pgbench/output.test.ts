import { describe, expect, it } from 'vitest';
import { isClientAbort, parseProgress, parseSummary } from '../../../../harness/load/pgbench/output.js';
import { pgbenchArgs } from '../../../../harness/load/pgbench/driver.js';

// Printed by pgbench 15.18 on this machine (-P 1 -R 200 -M prepared).
const SUMMARY = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: /tmp/pgb.sql
scaling factor: 1
query mode: prepared
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 3 s
number of transactions actually processed: 591
number of failed transactions: 0 (0.000%)
latency average = 0.738 ms
latency stddev = 0.252 ms
rate limit schedule lag: avg 0.098 (max 0.297) ms
initial connection time = 20.813 ms
tps = 198.622014 (without initial connection time)`;

describe('pgbench output', () => {
  it('reads a PostgreSQL 15 progress report, with and without the rate-limit lag', () => {
    expect(parseProgress('progress: 2.0 s, 211.0 tps, lat 0.667 ms stddev 0.173, 0 failed, lag 0.095 ms')).toEqual({ elapsedS: 2, tps: 211, latencyMs: 0.667, failed: 0 });
    expect(parseProgress('progress: 7.0 s, 0.0 tps, lat NaN ms stddev NaN, 3 failed')).toMatchObject({ tps: 0, failed: 3 });
    expect(parseProgress('pgbench: error: connection to server failed')).toBeUndefined();
  });

  it('recognises a client lost with its connection', () => {
    expect(isClientAbort('pgbench: error: client 2 aborted in command 0 (SQL) of script 0; perhaps the backend died while processing')).toBe(true);
    expect(isClientAbort('pgbench: error: client 1 script 0 aborted in command 0 query 0: server closed the connection unexpectedly')).toBe(true);
    expect(isClientAbort('pgbench: error: client 1 aborted while establishing connection')).toBe(false); // nothing was sent
    expect(isClientAbort('progress: 1.0 s, 192.0 tps')).toBe(false);
  });

  it('reads the summary of a run that ended by itself', () => {
    expect(parseSummary(SUMMARY)).toEqual({ transactions: 591, failed: 0, latencyMs: 0.738, tps: 198.622014 });
    expect(parseSummary('pgbench: error: could not connect')).toBeUndefined();
  });

  it('passes the password only through the environment, and no rate limit for "max"', () => {
    const args = pgbenchArgs({ target: { host: '127.0.0.1', port: 15400, user: 'postgres', password: 's3cret', database: 'postgres' }, rate: 'max', concurrency: 8 }, '/tmp/s.sql', 59.2);
    expect(args.join(' ')).not.toContain('s3cret');
    expect(args).toContain('--time=60');
    expect(args).toContain('--jobs=2');
    expect(args.some((a) => a.startsWith('--rate'))).toBe(false);
  });
});
