import type { Clock } from '../../model/time.js';
import type { MonoTime } from '../../model/time.js';
import type { LedgerWriter, RetimableLedger, RunningLoad } from '../types.js';
import type { ClockAlignment, LoadStats, LoadSummary } from '../../model/load.js';
import { interpolateClock, LiveClock } from './clock-map.js';
import { replayEvent, type EventBatch } from './protocol.js';

export type { ClockAlignment };

// How kdrill reaches the remote driver (the API server's pod proxy, or plain HTTP in tests):
// any HTTP answer resolves; only a failure to get one rejects.
export interface DriverTransport {
  request(method: 'GET' | 'POST', path: string): Promise<{ readonly status: number; readonly body: string }>;
}

// The driver's own refusal (its JSON carries a `reason`), as opposed to a proxy that could not
// reach it, which is worth retrying.
class DriverRefused extends Error {}

// The events no longer add up (some lost, or a line unreadable): fetching again cannot help.
class ReplayBroken extends Error {}

async function call(transport: DriverTransport, method: 'GET' | 'POST', path: string): Promise<string> {
  const { status, body } = await transport.request(method, path);
  if (status >= 200 && status < 300) return body;
  let parsed: { kind?: string; reason?: unknown; message?: string } | undefined;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (parsed && parsed.kind !== 'Status' && typeof parsed.reason === 'string') throw new DriverRefused(parsed.reason);
  const detail = parsed?.kind === 'Status' && parsed.message ? parsed.message : body.trim().slice(0, 200) || 'no body';
  throw new Error(`${method} ${path}: HTTP ${status}: ${detail}`);
}

// Reads the remote clock `samples` times and keeps the reading with the shortest round trip:
// remote time r happened at local time r - shift, give or take half that round trip (as NTP
// estimates it), `at` being the local midpoint of that round trip. Rejects on the first
// reading that fails, so a driver that cannot be reached costs one request, not five.
export async function alignClocks(transport: DriverTransport, clock: Clock, samples = 5): Promise<ClockAlignment> {
  let best: ClockAlignment | undefined;
  for (let i = 0; i < samples; i++) {
    const sentAt = clock.now();
    const { now } = JSON.parse(await call(transport, 'GET', '/clock')) as { now: number };
    const receivedAt = clock.now();
    const at = (sentAt + receivedAt) / 2;
    const candidate = { at, shift: now - at, uncertaintyMs: (receivedAt - sentAt) / 2 };
    if (!best || candidate.uncertaintyMs < best.uncertaintyMs) best = candidate;
  }
  return best!;
}

// Waits until the driver has prepared the database; its failure to do so is the error.
export async function waitPrepared(transport: DriverTransport, clock: Clock, timeoutMs: number, what: string): Promise<void> {
  const deadline = clock.now() + timeoutMs;
  let last = 'no answer yet';
  while (clock.now() < deadline) {
    try {
      const answer = JSON.parse(await call(transport, 'GET', '/healthz')) as { ready?: boolean };
      if (answer.ready) return;
    } catch (error) {
      // The driver's own reason (the database refused, say): no use waiting.
      if (error instanceof DriverRefused) throw new Error(`${what} could not prepare the database: ${error.message}`);
      last = error instanceof Error ? error.message : String(error);
    }
    await clock.sleep(500);
  }
  throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}

export interface RemoteLedgerLoadOptions {
  readonly transport: DriverTransport;
  readonly clock: Clock;
  // Written by this load only (its ids are the driver's, from 1), so every write in it is
  // re-timed at the end.
  readonly ledger: RetimableLedger;
  readonly log: (line: string) => void;
  readonly what: string; // "the ledger Job ns/name", for messages
  readonly pollMs?: number;
  readonly alignEveryMs?: number; // between clock alignments while the load runs (30 s)
  readonly stopTimeoutMs?: number;
}

export interface RemoteLedgerLoad extends RunningLoad {
  readonly alignment: ClockAlignment; // the first, before the load started
}

const roundMicros = (ms: number): number => Math.round(ms * 1000) / 1000;

// Starts the remote driver's load and replays its events into the run's ledger as they come,
// on kdrill's clock. A fetch that fails (the API server down in an etcd drill, say) is retried
// on the next tick; the driver keeps its events until they are fetched.
//
// The clocks are aligned before the load starts, every `alignEveryMs` while it runs (an
// alignment that fails is skipped and tried again a period later; the load goes on), and
// after the last event. Events are replayed with the estimate so far (LiveClock); at stop()
// every write is re-timed by the shift interpolated between the alignments around it
// (interpolateClock), and the summary says how far the clock drifted and the ± of every time.
export async function startRemoteLedgerLoad(o: RemoteLedgerLoadOptions): Promise<RemoteLedgerLoad> {
  const alignEveryMs = o.alignEveryMs ?? 30_000;
  const first = await alignClocks(o.transport, o.clock);
  const live = new LiveClock(alignEveryMs);
  const alignments: ClockAlignment[] = [];
  // One that is not later than the last in both clocks (never, with real clocks) is dropped.
  const keep = (alignment: ClockAlignment): void => {
    if (live.add(alignment)) alignments.push(alignment);
  };
  keep(first);
  const span = { from: Infinity, to: -Infinity }; // of the remote times replayed
  let remoteNow = 0; // the remote time of the event being replayed (converted just before)
  const toLocal = (remoteAt: number): MonoTime => {
    remoteNow = remoteAt;
    if (remoteAt < span.from) span.from = remoteAt;
    if (remoteAt > span.to) span.to = remoteAt;
    return roundMicros(live.toLocal(remoteAt));
  };
  const counts = { sent: 0, acked: 0, failed: 0, inDoubt: 0 };
  // Latencies on the remote clock, exact but for its drift rate (parts per million); the live
  // estimate's times are rounded to the µs and its slope is only as good as a period's noise.
  const sentAt = new Map<number, number>(); // remote send time of each write in flight
  let latencySum = 0;
  let next = 0;
  let remoteStats: LoadStats | undefined;
  let last: EventBatch | undefined;
  let failing: string | undefined;
  let alignFailing: string | undefined;

  // The run's ledger, counting as it goes (stats() is read often; the ledger's own counts
  // walk every write).
  const counting: LedgerWriter = {
    send: (at) => {
      const id = o.ledger.send(at);
      sentAt.set(id, remoteNow);
      counts.sent++;
      return id;
    },
    acked: (id, at, node) => {
      o.ledger.acked(id, at, node);
      latencySum += remoteNow - (sentAt.get(id) ?? remoteNow);
      sentAt.delete(id);
      counts.acked++;
    },
    failed: (id, at, outcome) => {
      o.ledger.failed(id, at, outcome);
      sentAt.delete(id);
      if (outcome === 'failed') counts.failed++;
      else counts.inDoubt++;
    },
  };

  const fetchOnce = async (): Promise<EventBatch> => {
    const batch = JSON.parse(await call(o.transport, 'GET', `/events?from=${next}`)) as EventBatch;
    if (batch.from !== next) throw new ReplayBroken(`${o.what} sent events from ${batch.from}, kdrill expected ${next}: some were lost`);
    for (const line of batch.events) {
      try {
        replayEvent(line, counting, toLocal);
      } catch (error) {
        throw new ReplayBroken(`${o.what}: ${(error as Error).message}`);
      }
      next++;
    }
    remoteStats = batch.stats;
    last = batch;
    return batch;
  };

  // A periodic alignment: one that fails is logged (once while they keep failing) and skipped.
  const alignNow = async (): Promise<void> => {
    try {
      const alignment = await alignClocks(o.transport, o.clock);
      keep(alignment);
      if (alignFailing) o.log(`load: ${o.what}'s clock aligned again (±${alignment.uncertaintyMs.toFixed(1)} ms)`);
      alignFailing = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!alignFailing) o.log(`load: could not align ${o.what}'s clock (${message}); skipped, trying again every ${alignEveryMs / 1000} s`);
      alignFailing = message;
    }
  };

  await call(o.transport, 'POST', '/start');
  const startedAt = o.clock.now();
  let polling = true;
  let broken: Error | undefined;
  let nextAlignAt = startedAt + alignEveryMs;
  // Alignments and fetches take turns, never overlap: LiveClock relies on it.
  const poller = (async () => {
    while (polling) {
      if (o.clock.now() >= nextAlignAt) {
        await alignNow();
        while (nextAlignAt <= o.clock.now()) nextAlignAt += alignEveryMs; // on the beat, none made up
      }
      try {
        const batch = await fetchOnce();
        if (failing) o.log(`load: ${o.what} answers again`);
        failing = undefined;
        if (batch.events.length >= 20_000) continue; // more is waiting
      } catch (error) {
        if (error instanceof ReplayBroken) {
          broken = error;
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        if (!failing) o.log(`load: cannot fetch events from ${o.what} (${message}); the driver keeps them, retrying`);
        failing = message;
      }
      await o.clock.sleep(o.pollMs ?? 250);
    }
  })();

  // The last alignment, after the last event (so every remote time lies before it); three
  // tries, then the last times are extrapolated from the alignments before.
  const alignAtEnd = async (): Promise<void> => {
    let message = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await o.clock.sleep(1_000);
      try {
        keep(await alignClocks(o.transport, o.clock));
        return;
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
    }
    o.log(`load: could not align ${o.what}'s clock at the end (${message}); its last times are extrapolated from the alignments before`);
  };

  return {
    alignment: first,
    stats: () => ({ ...counts, connectFailures: remoteStats?.connectFailures ?? 0 }),
    async stop(): Promise<LoadSummary> {
      polling = false;
      await poller;
      if (broken) throw broken;
      const deadline = o.clock.now() + (o.stopTimeoutMs ?? 120_000);
      const untilDeadline = async <T>(what: string, attempt: () => Promise<T>): Promise<T> => {
        for (;;) {
          try {
            return await attempt();
          } catch (error) {
            if (error instanceof ReplayBroken) throw error;
            if (o.clock.now() > deadline) throw new Error(`${o.what}: ${what} failed until the stop deadline: ${error instanceof Error ? error.message : String(error)}`);
            await o.clock.sleep(1_000);
          }
        }
      };
      await untilDeadline('stopping the load', () => call(o.transport, 'POST', '/stop'));
      const stoppedAt = o.clock.now();
      while (!last?.stopped) await untilDeadline('fetching the last events', fetchOnce);
      await alignAtEnd();

      const mapping = interpolateClock(alignments);
      o.ledger.retime((at) => roundMicros(mapping.toLocal(live.toRemote(at))));
      const firstAlignment = alignments[0]!;
      const lastAlignment = alignments.at(-1)!;
      // Rounded up to the µs: a ± must not shrink.
      const uncertaintyMs = Math.ceil(1000 * (span.from <= span.to ? mapping.maxUncertainty(span.from, span.to) : mapping.maxUncertainty(firstAlignment.at + firstAlignment.shift, lastAlignment.at + lastAlignment.shift))) / 1000;
      const driftMs = roundMicros(mapping.driftMs);
      const alignedOver = lastAlignment.at - firstAlignment.at;
      const rate = alignedOver > 0 ? `, ${((driftMs / alignedOver) * 1e6).toFixed(0)} ppm` : '';
      o.log(`load: ${o.what}'s clock drifted ${driftMs >= 0 ? '+' : ''}${driftMs.toFixed(1)} ms against kdrill's over ${(alignedOver / 1000).toFixed(0)} s (${alignments.length} alignment${alignments.length === 1 ? '' : 's'}${rate}); its writes' times interpolated between the alignments, ±${uncertaintyMs.toFixed(1)} ms`);

      const seconds = Math.max((stoppedAt - startedAt) / 1000, 1e-9);
      const summary = last.summary;
      return {
        driver: 'ledger',
        startedAt,
        stoppedAt,
        ...counts,
        ackedPerSecond: counts.acked / seconds,
        ...(counts.acked ? { meanLatencyMs: latencySum / counts.acked } : {}),
        errors: { ...(summary?.errors ?? {}) },
        ...(summary?.walBytes === undefined ? {} : { walBytes: summary.walBytes }),
        clock: { alignments: [...alignments], uncertaintyMs, driftMs },
      };
    },
  };
}
