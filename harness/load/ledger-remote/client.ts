import type { Clock } from '../../engine/clock.js';
import type { MonoTime } from '../../engine/journal-types.js';
import type { LedgerWriter, LoadStats, LoadSummary, RunningLoad } from '../types.js';
import { replayEvent, type EventBatch } from './protocol.js';

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

// The remote clock against kdrill's: remote time r happened at local time r - shift, give or
// take `uncertaintyMs` (half the best round trip, as NTP estimates it).
export interface ClockAlignment {
  readonly shift: number;
  readonly uncertaintyMs: number;
}

export async function alignClocks(transport: DriverTransport, clock: Clock, samples = 5): Promise<ClockAlignment> {
  let best: ClockAlignment | undefined;
  for (let i = 0; i < samples; i++) {
    const sentAt = clock.now();
    const { now } = JSON.parse(await call(transport, 'GET', '/clock')) as { now: number };
    const receivedAt = clock.now();
    const candidate = { shift: now - (sentAt + receivedAt) / 2, uncertaintyMs: (receivedAt - sentAt) / 2 };
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
  readonly ledger: LedgerWriter;
  readonly log: (line: string) => void;
  readonly what: string; // "the ledger Job ns/name", for messages
  readonly pollMs?: number;
  readonly stopTimeoutMs?: number;
}

export interface RemoteLedgerLoad extends RunningLoad {
  readonly alignment: ClockAlignment;
}

// Starts the remote driver's load and replays its events into the run's ledger as they come,
// on kdrill's clock. A fetch that fails (the API server down in an etcd drill, say) is retried
// on the next tick; the driver keeps its events until they are fetched.
export async function startRemoteLedgerLoad(o: RemoteLedgerLoadOptions): Promise<RemoteLedgerLoad> {
  const alignment = await alignClocks(o.transport, o.clock);
  const toLocal = (remoteAt: number): MonoTime => Math.round((remoteAt - alignment.shift) * 1000) / 1000;
  const counts = { sent: 0, acked: 0, failed: 0, inDoubt: 0 };
  const sentAt = new Map<number, number>();
  let latencySum = 0;
  let next = 0;
  let remoteStats: LoadStats | undefined;
  let last: EventBatch | undefined;
  let failing: string | undefined;

  // The run's ledger, counting as it goes (stats() is read often; the ledger's own counts
  // walk every write).
  const counting: LedgerWriter = {
    send: (at) => {
      const id = o.ledger.send(at);
      sentAt.set(id, at);
      counts.sent++;
      return id;
    },
    acked: (id, at, node) => {
      o.ledger.acked(id, at, node);
      latencySum += at - (sentAt.get(id) ?? at);
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

  await call(o.transport, 'POST', '/start');
  const startedAt = o.clock.now();
  let polling = true;
  let broken: Error | undefined;
  const poller = (async () => {
    while (polling) {
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

  return {
    alignment,
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
      const after = await alignClocks(o.transport, o.clock).catch(() => undefined);
      if (after) o.log(`load: ${o.what}'s clock drifted ${(after.shift - alignment.shift).toFixed(1)} ms against kdrill's during the run (alignment ±${alignment.uncertaintyMs.toFixed(1)} ms)`);
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
      };
    },
  };
}
