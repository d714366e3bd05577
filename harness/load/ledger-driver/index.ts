import pg from 'pg';
import { timerSafeMs } from '../../common/long-timer.js';
import { withDb, type DbTarget } from '../../db/target.js';
import type { Clock } from '../../model/time.js';
import type { LedgerWriter, RunningLoad } from '../types.js';
import type { LoadSummary } from '../../model/load.js';
import { classifyWriteError } from './classify.js';
import { LedgerInsert } from './insert.js';
import { RateLimiter } from './rate.js';

export interface LedgerLoadOptions {
  readonly target: DbTarget;
  readonly rate: number | 'max';
  readonly concurrency: number;
  readonly writeTimeoutMs: number;
  readonly clock: Clock;
  readonly ledger: LedgerWriter;
  readonly log?: (line: string) => void;
}

export const LEDGER_TABLE = 'kdrill_ledger';
const INSERT = `insert into ${LEDGER_TABLE} (id, payload) values ($1, $2)`;

// The table the ledger writes to: one row per committed id, nothing else. Each run starts it
// empty, because ids restart at 1 and a previous run's rows would read back as phantoms; that
// run's ledger stays in its own run directory.
export async function prepareLedgerTable(target: DbTarget): Promise<void> {
  await withDb(target, 10_000, async (client) => {
    await client.query(`drop table if exists ${LEDGER_TABLE}`);
    await client.query(`create table ${LEDGER_TABLE} (id bigint primary key, payload text not null, written_at timestamptz not null default clock_timestamp())`);
  });
}

// Writes rows with unique increasing ids through the read-write endpoint at the given rate
// and concurrency, one autocommit INSERT each; reconnects after any failure; records every
// id's fate in the ledger with monotonic times and the address of the acknowledging server.
export function startLedgerLoad(o: LedgerLoadOptions): RunningLoad {
  const startedAt = o.clock.now();
  const limiter = new RateLimiter(o.rate, startedAt);
  const errors: Record<string, number> = {};
  const counts = { sent: 0, acked: 0, failed: 0, inDoubt: 0 };
  let connectFailures = 0;
  let latencySum = 0;
  let stopping = false;
  const payload = Buffer.from('x'.repeat(64));
  // Each worker's round trip in flight; one watchdog for all of them instead of a timer per
  // write, whose cost would show in the writes per second. A write past its timeout is
  // failed at once and its connection destroyed, so nothing waits on a silent server.
  const inFlight: ({ since: number; client: pg.Client; insert?: LedgerInsert } | undefined)[] = [];
  const watchdog = setInterval(
    () => {
      const now = o.clock.now();
      inFlight.forEach((trip) => {
        if (!trip || now - trip.since <= o.writeTimeoutMs) return;
        const timeout = new Error(`write timeout: no answer within ${o.writeTimeoutMs} ms`);
        trip.insert?.handleError(timeout);
        trip.client.connection.stream.destroy(timeout);
      });
    },
    Math.max(10, Math.min(100, o.writeTimeoutMs / 10)),
  );
  watchdog.unref();

  const worker = async (slotIndex: number): Promise<void> => {
    let client: pg.Client | undefined;
    let parsed = false;
    // The server that acknowledges this connection's writes: a connection (even through a
    // proxy) stays with one server, so it is asked once, not with every write.
    let server: string | undefined;
    while (!stopping) {
      if (!client) {
        client = new pg.Client({ ...o.target, connectionTimeoutMillis: timerSafeMs(o.writeTimeoutMs), keepAlive: true });
        client.on('error', () => undefined); // a dead connection surfaces on the next query
        parsed = false;
        try {
          await client.connect();
          inFlight[slotIndex] = { since: o.clock.now(), client };
          server = (await client.query<{ server: string }>('select host(inet_server_addr()) as server')).rows[0]?.server;
        } catch (error) {
          connectFailures++;
          count(errors, `connect: ${classifyWriteError(error).reason}`);
          await client.end().catch(() => undefined);
          client = undefined;
          // Soon again: service that is back is noticed within this, which bounds the RTO's resolution.
          await sleep(RECONNECT_MS);
          continue;
        } finally {
          inFlight[slotIndex] = undefined;
        }
      }
      const slot = limiter.take(o.clock.now());
      const wait = slot - o.clock.now();
      if (wait > 0) await sleep(wait);
      if (stopping) break;
      const sentAt = o.clock.now();
      const id = o.ledger.send(sentAt);
      counts.sent++;
      try {
        const insert = new LedgerInsert(INSERT, id, payload, !parsed);
        parsed = true;
        inFlight[slotIndex] = { since: sentAt, client, insert };
        client.query(insert);
        await insert.done;
        const ackedAt = o.clock.now();
        o.ledger.acked(id, ackedAt, server);
        latencySum += ackedAt - sentAt;
        counts.acked++;
      } catch (error) {
        const { outcome, reason } = classifyWriteError(error);
        o.ledger.failed(id, o.clock.now(), outcome);
        if (outcome === 'failed') counts.failed++;
        else counts.inDoubt++;
        count(errors, reason);
        // The connection may be half-dead (timeout, reset): start over with a fresh one.
        await client.end().catch(() => undefined);
        client = undefined;
      } finally {
        inFlight[slotIndex] = undefined;
      }
    }
    await client?.end().catch(() => undefined);
  };

  const workers = Array.from({ length: o.concurrency }, (_, index) => worker(index));
  return {
    stats: () => ({ ...counts, connectFailures }),
    async stop(): Promise<LoadSummary> {
      stopping = true;
      await Promise.all(workers);
      clearInterval(watchdog);
      const stoppedAt = o.clock.now();
      const seconds = Math.max((stoppedAt - startedAt) / 1000, 1e-9);
      return { driver: 'ledger', startedAt, stoppedAt, ...counts, ackedPerSecond: counts.acked / seconds, ...(counts.acked ? { meanLatencyMs: latencySum / counts.acked } : {}), errors: { ...errors } };
    },
  };
}

function count(errors: Record<string, number>, reason: string): void {
  errors[reason] = (errors[reason] ?? 0) + 1;
}

const RECONNECT_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
