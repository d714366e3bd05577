import { withDb } from '../db/target.js';
import type { Probe, ProbeContext } from './types.js';

interface Standby {
  readonly name: string;
  readonly state: string;
  readonly lagMs: number;
}

// The primary's view of its standbys (pg_stat_replication), through the read-write endpoint.
async function standbys(ctx: ProbeContext): Promise<Standby[]> {
  const { rows } = await withDb(ctx.readWrite, ctx.timeoutMs, (c) =>
    c.query<{ name: string; state: string; lag_ms: number }>(
      `select application_name as name, state, coalesce(extract(epoch from greatest(write_lag, flush_lag, replay_lag)) * 1000, 0)::float8 as lag_ms from pg_stat_replication order by 1`,
    ),
  );
  return rows.map((r) => ({ name: r.name, state: r.state, lagMs: Number(r.lag_ms) }));
}

// The database members' names: Patroni makes each one its standby's application_name, which
// tells members from other WAL streamers (a pg_basebackup rebuilding a replica is "streaming" too).
async function memberNames(ctx: ProbeContext): Promise<string[]> {
  const topology = await ctx.connected.topology();
  return topology.zones.flatMap((z) => z.nodes.flatMap((n) => n.members.filter((m) => m.kind === 'postgresql').map((m) => m.name)));
}

// Every expected replica (as configured, else every member but the leader) streams from the primary.
export const redundancy: Probe = async (ctx, options) => {
  try {
    const members = await memberNames(ctx);
    const expected = options.replicas ?? Math.max(0, members.length - 1);
    const streaming = (await standbys(ctx)).filter((s) => s.state === 'streaming' && members.includes(s.name));
    const ok = streaming.length >= expected;
    return { ok, detail: `${streaming.length} of ${expected} replicas streaming${streaming.length ? ` (${streaming.map((s) => s.name).join(', ')})` : ''}`, key: `${streaming.length}/${expected}`, value: { streaming: streaming.length, expected } };
  } catch (error) {
    return { ok: false, detail: `replication could not be read: ${(error as Error).message}`, key: 'unknown' };
  }
};

const DEFAULT_MAX_LAG_MS = 5_000;

// Every streaming replica is within the lag bound (write, flush and replay lag as the primary sees them).
export const replicationLag: Probe = async (ctx, options) => {
  const bound = options.maxLagMs ?? DEFAULT_MAX_LAG_MS;
  try {
    const members = await memberNames(ctx);
    const all = (await standbys(ctx)).filter((s) => members.includes(s.name));
    if (all.length === 0) return { ok: false, detail: 'no replica is connected to the primary', key: 'none' };
    const worst = all.reduce((a, b) => (b.lagMs > a.lagMs ? b : a));
    const ok = all.every((s) => s.state === 'streaming' && s.lagMs <= bound);
    return { ok, detail: `largest lag ${Math.round(worst.lagMs)} ms (${worst.name}), bound ${bound} ms${all.some((s) => s.state !== 'streaming') ? `; not streaming: ${all.filter((s) => s.state !== 'streaming').map((s) => `${s.name} ${s.state}`).join(', ')}` : ''}`, key: ok ? 'within' : 'over', value: { worstMs: worst.lagMs, bound } };
  } catch (error) {
    return { ok: false, detail: `replication could not be read: ${(error as Error).message}`, key: 'unknown' };
  }
};
