import { writeOnce } from '../db/target.js';
import type { Probe } from './types.js';

// One write through the read-write endpoint.
export const writeAvailability: Probe = async (ctx) => {
  const write = await writeOnce(ctx.readWrite, ctx.timeoutMs);
  if (!write.ok) return { ok: false, detail: `no write: ${write.error}` };
  return { ok: true, detail: `a write committed on ${write.server}`, key: write.server, value: { server: write.server } };
};
