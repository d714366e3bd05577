import http from 'node:http';
import type { Clock } from '../../model/time.js';
import type { RunningLoad } from '../types.js';
import type { LoadSummary } from '../../model/load.js';
import { EventBuffer } from './event-buffer.js';
import type { EventBatch, RemoteSummary } from './protocol.js';

export interface LedgerServerOptions {
  readonly clock: Clock;
  readonly port: number;
  readonly host?: string;
  // Readies the database (the table, the starting WAL position); its error is the answer to
  // every /healthz until kdrill gives up.
  readonly prepare: () => Promise<void>;
  readonly start: (writer: EventBuffer) => RunningLoad;
  // The WAL written since prepare(), read after the load stopped.
  readonly walBytes?: () => Promise<number | undefined>;
  readonly maxBatch?: number;
}

export interface LedgerServer extends AsyncDisposable {
  readonly port: number;
  readonly stopped: Promise<void>;
  // Stops the load and keeps answering, so kdrill can still fetch the last events.
  stopLoad(): Promise<void>;
}

// The ledger driver's side of a load run away from kdrill (a pod): it prepares the database,
// answers its clock for kdrill to align times, starts writing when told, hands out the event
// lines, and stops when told.
//   GET  /healthz          200 once prepared; 500 with the reason when preparing failed
//   GET  /clock            {"now": ms on this side's monotonic clock}
//   POST /start            starts the load (once)
//   GET  /events?from=N    an EventBatch
//   POST /stop             stops the load; answers when the last event is buffered
export async function serveLedgerLoad(o: LedgerServerOptions): Promise<LedgerServer> {
  const buffer = new EventBuffer();
  let prepared: { ok: true } | { ok: false; reason: string } | undefined;
  let running: RunningLoad | undefined;
  let stopping: Promise<LoadSummary | undefined> | undefined;
  let summary: RemoteSummary | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  void o.prepare().then(
    () => (prepared = { ok: true }),
    (error: unknown) => (prepared = { ok: false, reason: error instanceof Error ? error.message : String(error) }),
  );

  const stop = (): Promise<LoadSummary | undefined> => {
    stopping ??= (async () => {
      const result = running ? await running.stop() : undefined;
      const walBytes = running ? await o.walBytes?.().catch(() => undefined) : undefined;
      summary = { errors: result?.errors ?? {}, ...(walBytes === undefined ? {} : { walBytes }) };
      markStopped();
      return result;
    })();
    return stopping;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://driver');
    const answer = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const route = `${req.method} ${url.pathname}`;
    req.resume();
    if (route === 'GET /healthz') {
      if (!prepared) return answer(503, { ready: false });
      return prepared.ok ? answer(200, { ready: true }) : answer(500, { ready: false, reason: prepared.reason });
    }
    if (route === 'GET /clock') return answer(200, { now: o.clock.now() });
    if (route === 'POST /start') {
      if (!prepared?.ok) return answer(409, { reason: 'the database is not prepared' });
      running ??= o.start(buffer);
      return answer(200, { started: true });
    }
    if (route === 'GET /events') {
      const from = Number(url.searchParams.get('from') ?? '0');
      if (!Number.isInteger(from) || from < 0) return answer(400, { reason: `Expected "from" to be a whole number, got "${url.searchParams.get('from')}"` });
      // `stopped` is read before the events, so a batch that says stopped holds the last ones.
      const done = summary !== undefined;
      const batch = buffer.take(from, o.maxBatch ?? 20_000);
      const stats = running?.stats() ?? { sent: 0, acked: 0, failed: 0, inDoubt: 0, connectFailures: 0 };
      const body: EventBatch = { ...batch, stats, stopped: done && batch.from + batch.events.length === buffer.end, ...(done && summary ? { summary } : {}) };
      return answer(200, body);
    }
    if (route === 'POST /stop') {
      void stop().then(
        () => answer(200, { stopped: true }),
        (error: unknown) => answer(500, { reason: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    answer(404, { reason: `no route ${route}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    stopped,
    stopLoad: async () => {
      await stop();
    },
    async [Symbol.asyncDispose]() {
      await stop().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
