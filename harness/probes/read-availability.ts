import { withDb } from '../db/target.js';
import type { Probe } from './types.js';

// One read through the read-only endpoint (the read-write one when the backend has none).
export const readAvailability: Probe = async (ctx) => {
  const target = ctx.readOnly ?? ctx.readWrite;
  try {
    const { rows } = await withDb(target, ctx.timeoutMs, (c) => c.query<{ server: string }>('select host(inet_server_addr()) as server'));
    const server = rows[0]?.server ?? 'unknown';
    return { ok: true, detail: `a read answered by ${server}`, key: 'ok', value: { server } };
  } catch (error) {
    return { ok: false, detail: `no read: ${(error as Error).message}` };
  }
};
