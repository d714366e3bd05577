import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { monotonicClock } from '../../../../harness/common/monotonic-clock.js';
import { type Clock } from '../../../../harness/model/time.js';
import { Ledger } from '../../../../harness/load/ledger/ledger.js';
import { alignClocks, startRemoteLedgerLoad, waitPrepared, type DriverTransport } from '../../../../harness/load/ledger-remote/client.js';
import { serveLedgerLoad } from '../../../../harness/load/ledger-remote/server.js';
import { fakeRemoteLoad } from '../../../helpers/fake-remote-load.js';

function httpTransport(port: number, fail?: { next: number }): DriverTransport {
  return {
    request: (method, path) =>
      new Promise((resolve, reject) => {
        if (fail && fail.next > 0) {
          fail.next--;
          return reject(new Error('connect ECONNREFUSED (injected)'));
        }
        const req = http.request({ host: '127.0.0.1', port, method, path }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end();
      }),
  };
}

// The driver's clock runs 100 s ahead of kdrill's, as another machine's would.
const ahead = (clock: Clock, ms: number): Clock => ({ now: () => clock.now() + ms, sleep: clock.sleep });

describe('remote ledger driver: server and client', () => {
  it('aligns the clocks, replays every write into the ledger on the local clock, and drains the last events on stop', async () => {
    const local = monotonicClock();
    const remoteClock = ahead(local, 100_000);
    await using server = await serveLedgerLoad({ clock: remoteClock, port: 0, host: '127.0.0.1', prepare: async () => {}, start: fakeRemoteLoad(remoteClock), walBytes: async () => 4096 });
    const transport = httpTransport(server.port);
    const alignment = await alignClocks(transport, local);
    expect(alignment.shift).toBeGreaterThan(100_000 - 50);
    expect(alignment.shift).toBeLessThan(100_000 + 50);
    await waitPrepared(transport, local, 5_000, 'the driver');

    const ledger = new Ledger();
    const lines: string[] = [];
    const before = local.now();
    const load = await startRemoteLedgerLoad({ transport, clock: local, ledger, log: (l) => lines.push(l), what: 'the driver', pollMs: 20, alignEveryMs: 100 });
    await new Promise((r) => setTimeout(r, 300));
    expect(load.stats().sent).toBeGreaterThan(0);
    const summary = await load.stop();
    const after = local.now();

    expect(ledger.size).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThan(10);
    expect(summary.acked + summary.inDoubt).toBe(summary.sent);
    expect(summary.inDoubt).toBe(Math.floor(summary.sent / 5));
    expect(summary.errors).toEqual({ timeout: summary.inDoubt });
    expect(summary.walBytes).toBe(4096);
    expect(summary.meanLatencyMs).toBeCloseTo(1, 5);
    // Times are kdrill's: within the run, not 100 s ahead.
    ledger.forEach((_id, sentAt, endAt, outcome) => {
      expect(sentAt).toBeGreaterThanOrEqual(before - 50);
      expect(endAt).toBeLessThanOrEqual(after + 50);
      expect(outcome).not.toBe(0); // nothing pending
    });
    expect(lines.some((l) => l.includes('clock drifted'))).toBe(true);
    // Aligned at the start, every 100 ms meanwhile, and at the end; the same clock on both
    // sides (100 s apart), so no drift beyond the alignments' ±.
    const c = summary.clock!;
    expect(c.alignments.length).toBeGreaterThanOrEqual(3);
    for (const a of c.alignments) expect(Math.abs(a.shift - 100_000)).toBeLessThanOrEqual(a.uncertaintyMs);
    expect(Math.abs(c.driftMs)).toBeLessThanOrEqual(c.alignments[0]!.uncertaintyMs + c.alignments.at(-1)!.uncertaintyMs);
  });

  it('keeps the events while it cannot fetch them, and fetches them all later', async () => {
    const clock = monotonicClock();
    await using server = await serveLedgerLoad({ clock, port: 0, host: '127.0.0.1', prepare: async () => {}, start: fakeRemoteLoad(clock) });
    const fail = { next: 0 };
    const ledger = new Ledger();
    const lines: string[] = [];
    const load = await startRemoteLedgerLoad({ transport: httpTransport(server.port, fail), clock, ledger, log: (l) => lines.push(l), what: 'the driver', pollMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    fail.next = 8; // the API server is down for a while
    await new Promise((r) => setTimeout(r, 300));
    const summary = await load.stop();
    expect(lines.filter((l) => l.includes('cannot fetch events'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('answers again'))).toBe(true);
    expect(ledger.size).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThan(30);
    expect(ledger.counts().pending).toBe(0);
  });

  it('stops with an error when events went missing, instead of a ledger that silently lacks writes', async () => {
    const clock = monotonicClock();
    const answers: Record<string, unknown> = {
      'GET /clock': { now: 0 },
      'POST /start': { started: true },
      'GET /events?from=0': { from: 3, events: ['s 4 1'], stats: { sent: 4, acked: 0, failed: 0, inDoubt: 0, connectFailures: 0 }, stopped: false },
    };
    const transport: DriverTransport = { request: async (method, p) => ({ status: 200, body: JSON.stringify(answers[`${method} ${p}`] ?? {}) }) };
    const ledger = new Ledger();
    const load = await startRemoteLedgerLoad({ transport, clock, ledger, log: () => {}, what: 'the driver', pollMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    await expect(load.stop()).rejects.toThrow('the driver sent events from 3, kdrill expected 0: some were lost');
    expect(ledger.size).toBe(0);
  });

  it('fails with the driver\'s own reason when it cannot prepare the database', async () => {
    const clock = monotonicClock();
    await using server = await serveLedgerLoad({ clock, port: 0, host: '127.0.0.1', prepare: async () => Promise.reject(new Error('password authentication failed for user "postgres"')), start: fakeRemoteLoad(clock) });
    await expect(waitPrepared(httpTransport(server.port), clock, 5_000, 'the ledger Job ns/x')).rejects.toThrow('the ledger Job ns/x could not prepare the database: password authentication failed for user "postgres"');
  });

  it('gives up waiting for a driver that never answers, naming the last error', async () => {
    const clock = monotonicClock();
    await expect(waitPrepared(httpTransport(1), clock, 1_200, 'the driver')).rejects.toThrow(/the driver was not ready within 1 s \(last: .*ECONNREFUSED/);
  });
});
