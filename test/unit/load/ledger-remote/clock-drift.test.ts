import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../harness/testing/fake-clock.js';
import { Ledger } from '../../../../harness/load/ledger/ledger.js';
import { startRemoteLedgerLoad, type DriverTransport } from '../../../../harness/load/ledger-remote/client.js';
import { EventBuffer } from '../../../../harness/load/ledger-remote/event-buffer.js';
import type { EventBatch } from '../../../../harness/load/ledger-remote/protocol.js';
import { mulberry32 } from '../../../helpers/prng.js';

// A reproducible stream of numbers in [0, 1).
const random = mulberry32;

interface DriverScript {
  // The driver's clock reading at kdrill's (true) time `local`.
  readonly remoteAt: (local: number) => number;
  // When /clock does not answer (the API server down, say).
  readonly clockFails?: (local: number) => boolean;
  readonly everyMs?: number; // a write sent every…
  readonly latencyMs?: number; // …and answered this much later (every fifth in doubt)
  readonly seed?: number; // for the requests' one-way delays, 0.2–1.5 ms each way, uneven
}

// The remote ledger driver on a scripted clock, in memory, on kdrill's FakeClock: every request
// takes its (uneven) time there and back, so an alignment errs as a real one does, and every
// write's true local times are known.
function scriptedDriver(clock: FakeClock, script: DriverScript) {
  const everyMs = script.everyMs ?? 20;
  const latencyMs = script.latencyMs ?? 3;
  const next = random(script.seed ?? 1);
  const buffer = new EventBuffer();
  const truth: { sentAt: number; endAt: number }[] = []; // by id - 1
  let startedAt: number | undefined;
  let stoppedAt: number | undefined;
  let sends = 0;
  let ends = 0;
  const clockCalls: number[] = [];

  // Every event up to local time `until`, in the order they happened.
  const generate = (until: number): void => {
    for (;;) {
      const sendAt = startedAt! + sends * everyMs;
      const endAt = truth[ends] ? truth[ends]!.sentAt + latencyMs : Infinity;
      const sendAllowed = stoppedAt === undefined || sendAt <= stoppedAt;
      if (endAt <= until && endAt <= sendAt) {
        const id = ends + 1;
        truth[ends]!.endAt = endAt;
        if (id % 5 === 0) buffer.failed(id, script.remoteAt(endAt), 'in-doubt');
        else buffer.acked(id, script.remoteAt(endAt), 'db-0');
        ends++;
      } else if (sendAllowed && sendAt <= until) {
        truth.push({ sentAt: sendAt, endAt: Number.NaN });
        const id = buffer.send(script.remoteAt(sendAt));
        sends = id;
      } else if (endAt <= until) {
        continue;
      } else {
        return;
      }
    }
  };

  const answer = async (method: string, path: string): Promise<unknown> => {
    const now = clock.now();
    if (method === 'GET' && path === '/clock') {
      if (script.clockFails?.(now)) throw new Error('connect ECONNRESET (injected)');
      clockCalls.push(now);
      return { now: script.remoteAt(now) };
    }
    if (method === 'POST' && path === '/start') {
      startedAt ??= now;
      return { started: true };
    }
    if (method === 'POST' && path === '/stop') {
      stoppedAt ??= now;
      await clock.sleep(latencyMs); // the writes in flight finish first
      generate(clock.now());
      return { stopped: true };
    }
    if (method === 'GET' && path.startsWith('/events?from=')) {
      if (startedAt !== undefined) generate(stoppedAt === undefined ? now : Math.min(now, stoppedAt + latencyMs));
      const batch = buffer.take(Number(path.slice('/events?from='.length)), 20_000);
      const done = stoppedAt !== undefined && ends === sends;
      const body: EventBatch = { ...batch, stats: { sent: sends, acked: 0, failed: 0, inDoubt: 0, connectFailures: 0 }, stopped: done && batch.from + batch.events.length === buffer.end, ...(done ? { summary: { errors: {} } } : {}) };
      return body;
    }
    return { reason: `no route ${method} ${path}` };
  };

  const transport: DriverTransport = {
    request: async (method, path) => {
      await clock.sleep(0.2 + next() * 1.3);
      const body = await answer(method, path);
      await clock.sleep(0.2 + next() * 1.3);
      return { status: 200, body: JSON.stringify(body) };
    },
  };
  return { transport, truth, clockCalls };
}

// The largest distance of the ledger's times from the true ones.
function worstError(ledger: Ledger, truth: readonly { sentAt: number; endAt: number }[]): number {
  let worst = 0;
  ledger.forEach((id, sentAt, endAt) => {
    const t = truth[id - 1]!;
    worst = Math.max(worst, Math.abs(sentAt - t.sentAt), Math.abs(endAt - t.endAt));
  });
  return worst;
}

const PPM = 1e-6;

describe('remote ledger driver: clock drift', () => {
  it('aligns every 30 s while the load runs and re-times every write at stop within the ± it reports', async () => {
    const clock = new FakeClock({ auto: true, start: 1_000 });
    // 83 minutes ahead of kdrill's clock, and 200 ppm fast.
    const driver = scriptedDriver(clock, { remoteAt: (l) => 5_000_000 + l * (1 + 200 * PPM) });
    const ledger = new Ledger();
    const lines: string[] = [];
    const load = await startRemoteLedgerLoad({ transport: driver.transport, clock, ledger, log: (l) => lines.push(l), what: 'the driver' });
    await clock.sleep(10 * 60_000 + 1_000);
    const summary = await load.stop();

    expect(ledger.size).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThan(29_000);
    expect(ledger.counts().pending).toBe(0);
    expect(summary.meanLatencyMs).toBeCloseTo(3, 2); // 3 ms, as the driver's clock counts them (200 ppm long)
    const c = summary.clock!;
    // The start, one every 30 s for 10 minutes, the end.
    expect(c.alignments.length).toBe(22);
    const gaps = c.alignments.slice(1, -1).map((a, i) => a.at - c.alignments[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(29_900);
    for (const gap of gaps) expect(gap).toBeLessThan(30_400);
    // 200 ppm over the span of the alignments, within the first and last one's ±.
    const span = c.alignments.at(-1)!.at - c.alignments[0]!.at;
    expect(Math.abs(c.driftMs - 200 * PPM * span)).toBeLessThanOrEqual(c.alignments[0]!.uncertaintyMs + c.alignments.at(-1)!.uncertaintyMs);
    // Every time within the ± (the last alignment's rounding to µs aside), and that ± is
    // small: one shift for the whole run would be off by 120 ms at the end.
    expect(worstError(ledger, driver.truth)).toBeLessThanOrEqual(c.uncertaintyMs + 0.001);
    expect(c.uncertaintyMs).toBeGreaterThan(0);
    expect(c.uncertaintyMs).toBeLessThan(10);
    expect(lines.some((l) => /the driver's clock drifted \+12\d\.\d ms against kdrill's over 60\d s \(22 alignments, 20\d ppm\)/.test(l) && l.includes(`±${c.uncertaintyMs.toFixed(1)} ms`))).toBe(true);
  });

  it('skips alignments that fail without stopping the load, and re-times the writes of the gap from the alignments around it', async () => {
    const clock = new FakeClock({ auto: true, start: 0 });
    // 200 ppm fast until 200 s, then 500 ppm slow; /clock does not answer from 100 s to 300 s.
    const shift = (l: number): number => 10_000 + (l < 200_000 ? 200 * PPM * l : 200 * PPM * 200_000 - 500 * PPM * (l - 200_000));
    const driver = scriptedDriver(clock, { remoteAt: (l) => l + shift(l), clockFails: (l) => l >= 100_000 && l < 300_000, seed: 7 });
    const ledger = new Ledger();
    const lines: string[] = [];
    const load = await startRemoteLedgerLoad({ transport: driver.transport, clock, ledger, log: (l) => lines.push(l), what: 'the driver' });
    await clock.sleep(400_000);
    // Live, the writes of the gap were timed by the drift before it.
    const liveError = worstError(ledger, driver.truth);
    const summary = await load.stop();
    const c = summary.clock!;

    // Alignments at 0, 30, 60, 90 s; those from 120 to 270 s failed; again from 300 s on.
    const ats = c.alignments.map((a) => Math.round(a.at / 1000));
    expect(ats.filter((s) => s > 95 && s < 300)).toEqual([]);
    expect(ats.slice(0, 4)).toEqual([0, 30, 60, 90]);
    expect(ats.filter((s) => s >= 300 && s <= 390)).toHaveLength(4);
    expect(lines.filter((l) => l.includes("could not align the driver's clock (connect ECONNRESET (injected)); skipped, trying again every 30 s"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("the driver's clock aligned again"))).toHaveLength(1);
    // The load went on through the gap.
    expect(summary.sent).toBeGreaterThan(19_900);
    expect(ledger.size).toBe(summary.sent);
    expect(driver.truth.filter((t) => t.sentAt > 150_000 && t.sentAt < 250_000)).toHaveLength(5_000);
    // Re-timed within the ± it reports, which the live estimate was not.
    const error = worstError(ledger, driver.truth);
    expect(error).toBeLessThanOrEqual(c.uncertaintyMs + 0.001);
    expect(liveError).toBeGreaterThan(c.uncertaintyMs);
  });

  it('extrapolates from the alignments before when the one at the end fails, and says so', async () => {
    const clock = new FakeClock({ auto: true, start: 0 });
    const driver = scriptedDriver(clock, { remoteAt: (l) => 77_000 + l * (1 - 150 * PPM), clockFails: (l) => l >= 92_000, seed: 3 });
    const ledger = new Ledger();
    const lines: string[] = [];
    const load = await startRemoteLedgerLoad({ transport: driver.transport, clock, ledger, log: (l) => lines.push(l), what: 'the driver' });
    await clock.sleep(95_000);
    const summary = await load.stop();
    const c = summary.clock!;
    expect(c.alignments.map((a) => Math.round(a.at / 1000))).toEqual([0, 30, 60, 90]);
    expect(lines.some((l) => l.includes("could not align the driver's clock at the end (connect ECONNRESET (injected)); its last times are extrapolated"))).toBe(true);
    expect(worstError(ledger, driver.truth)).toBeLessThanOrEqual(c.uncertaintyMs + 0.001);
    expect(c.driftMs).toBeLessThan(0);
  });
});
