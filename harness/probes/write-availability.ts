import { withDb } from '../db/target.js';
import type { Probe } from './types.js';

// One write through the read-write endpoint: txid_current() needs a writable primary.
export const writeAvailability: Probe = async (ctx) => {
  try {
    const { rows } = await withDb(ctx.readWrite, ctx.timeoutMs, (c) => c.query<{ server: string }>('select host(inet_server_addr()) as server, txid_current()'));
    const server = rows[0]?.server ?? 'unknown';
    return { ok: true, detail: `a write committed on ${server}`, key: server, value: { server } };
  } catch (error) {
    return { ok: false, detail: `no write: ${(error as Error).message}` };
  }
};
