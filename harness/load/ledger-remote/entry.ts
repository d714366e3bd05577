// The ledger driver as a program of its own, bundled into one file (bundle.ts) that a stock
// Node.js image runs: where the database is and how to load it come from KDRILL_* variables,
// the password from the environment only (a Secret), never from an argument or a file.
import { setLongTimeout } from '../../common/long-timer.js';
import { ensureDatabase, type DbTarget } from '../../db/target.js';
import { monotonicClock } from '../../common/monotonic-clock.js';
import { prepareLedgerTable, startLedgerLoad } from '../ledger-driver/index.js';
import { currentLsn, walBetween } from '../wal-volume.js';
import { LEDGER_DRIVER_PORT } from './protocol.js';
import { serveLedgerLoad } from './server.js';

// How long the finished driver keeps answering, for kdrill to fetch the last events.
const LINGER_MS = 10 * 60_000;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Expected the environment variable ${name} to be set, got nothing`);
  return value;
}

function whole(name: string, fallback?: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (value === undefined || !Number.isInteger(value) || value < 1) throw new Error(`Expected ${name} to be a whole number from 1, got "${raw ?? ''}"`);
  return value;
}

async function main(): Promise<void> {
  const server: DbTarget = { host: required('KDRILL_DB_HOST'), port: whole('KDRILL_DB_PORT', 5432), user: required('KDRILL_DB_USER'), password: required('KDRILL_DB_PASSWORD'), database: 'postgres' };
  const database = process.env['KDRILL_DB_NAME'] || 'postgres';
  const rate = process.env['KDRILL_RATE'] === 'max' ? 'max' : whole('KDRILL_RATE');
  const concurrency = whole('KDRILL_CONCURRENCY', 4);
  const writeTimeoutMs = whole('KDRILL_WRITE_TIMEOUT_MS', 2_000);
  const maxDurationMs = whole('KDRILL_MAX_DURATION_MS', 3_600_000);
  const clock = monotonicClock();
  let target: DbTarget | undefined;
  let walStart: string | undefined;

  const served = await serveLedgerLoad({
    clock,
    port: whole('KDRILL_PORT', LEDGER_DRIVER_PORT),
    prepare: async () => {
      target = await ensureDatabase(server, database);
      await prepareLedgerTable(target);
      walStart = await currentLsn(target);
    },
    start: (writer) => {
      console.log(`ledger driver: ${rate === 'max' ? 'as fast as possible' : `${rate} writes/s`}, ${concurrency} connections, ${server.user}@${server.host}:${server.port}/${database}`);
      // Nobody stopped it (kdrill died): stop at the drill's longest length.
      setLongTimeout(() => void served.stopLoad(), maxDurationMs, { unref: true });
      return startLedgerLoad({ target: target!, rate, concurrency, writeTimeoutMs, clock, ledger: writer });
    },
    walBytes: async () => walBetween(walStart, await currentLsn(target!)),
  });
  console.log(`ledger driver: preparing ${database}; answering kdrill on port ${served.port}`);
  await served.stopped;
  console.log('ledger driver: stopped');
  // The server keeps the process up until then.
  setTimeout(() => process.exit(0), LINGER_MS).unref();
}

process.on('SIGTERM', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(`ledger driver: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
