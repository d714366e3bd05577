import pg from 'pg';
import type { Endpoints } from '../model/endpoints.js';

// Where a PostgreSQL endpoint is, and as whom to connect. The password never leaves this object
// except into the driver: logs and the journal carry `describeTarget` only.
export interface DbTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

// The read-write (or read-only) endpoint of a backend as a connection target; undefined when
// the endpoint is not a PostgreSQL URL (the in-memory fake backend has no database).
export function dbTargetOf(endpoints: Endpoints, which: 'readWrite' | 'readOnly' = 'readWrite'): DbTarget | undefined {
  const raw = endpoints[which];
  return raw ? dbTargetOfUrl(raw, endpoints) : undefined;
}

// One database URL as a target, the credentials defaulting to the endpoints' own.
export function dbTargetOfUrl(raw: string, endpoints: Pick<Endpoints, 'user' | 'password'>): DbTarget | undefined {
  const url = new URL(raw);
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') return undefined;
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || endpoints.user || 'postgres'),
    password: endpoints.password ?? decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '') || 'postgres'),
  };
}

export const describeTarget = (t: DbTarget): string => `${t.user}@${t.host}:${t.port}/${t.database}`;

// A connected client whose every statement is bounded by `timeoutMs` (by the server only with
// `serverTimeoutOnly`: a client-side query timer is never cleared for COPY streams and would
// hold the process open); the caller ends it.
export async function connectDb(target: DbTarget, timeoutMs: number, serverTimeoutOnly = false): Promise<pg.Client> {
  const client = new pg.Client({ ...target, connectionTimeoutMillis: timeoutMs, ...(serverTimeoutOnly ? {} : { query_timeout: timeoutMs }), statement_timeout: timeoutMs, keepAlive: true });
  client.on('error', () => undefined); // a dead connection surfaces on the next query
  await client.connect();
  return client;
}

// Runs `use` on a fresh connection and always closes it.
export async function withDb<T>(target: DbTarget, timeoutMs: number, use: (client: pg.Client) => Promise<T>, serverTimeoutOnly = false): Promise<T> {
  const client = await connectDb(target, timeoutMs, serverTimeoutOnly);
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The workload's database on the same server, created when missing (as the endpoint's user).
export async function ensureDatabase(endpoint: DbTarget, database: string): Promise<DbTarget> {
  if (endpoint.database === database) return endpoint;
  await withDb(endpoint, 10_000, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    // The name passed the scenario schema (lowercase letters, digits, "_"), so quoting it is enough.
    if (!rowCount) await client.query(`create database "${database}"`);
  });
  return { ...endpoint, database };
}

// One write through `target`: txid_current() needs a writable primary. Says which server took it.
export async function writeOnce(target: DbTarget, timeoutMs: number): Promise<{ ok: true; server: string } | { ok: false; error: string }> {
  try {
    const { rows } = await withDb(target, timeoutMs, (c) => c.query<{ server: string }>('select host(inet_server_addr()) as server, txid_current()'));
    return { ok: true, server: rows[0]?.server ?? 'unknown' };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
