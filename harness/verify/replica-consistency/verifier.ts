import type pg from 'pg';
import { connectDb, dbTargetOfUrl } from '../../db/target.js';
import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';

const TABLES_SQL = `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'kdrill\\_%' order by 1`;
const checksumSql = (table: string) => `select count(*)::text as rows, md5(coalesce(string_agg(id::text, ',' order by id), '')) as checksum from ${table}`;

interface MemberConnection {
  readonly name: string;
  readonly client: pg.Client;
}

// Once every replica has replayed the primary's WAL up to a point taken after the drill, each
// kdrill table must hold exactly the same ids on every member.
export const replicaConsistency: Verifier = {
  name: 'replica-consistency',
  async verify(ctx: VerifyContext): Promise<Evidence> {
    const members = ctx.endpoints.members ?? [];
    if (members.length < 2) return evidence('unknown', 'the backend does not expose its members one by one');
    const open: MemberConnection[] = [];
    const unreachable: string[] = [];
    try {
      const deadline = performance.now() + ctx.timeoutMs;
      for (const m of members) {
        const member = dbTargetOfUrl(m.url, ctx.endpoints);
        if (!member) continue;
        const target = { ...member, database: ctx.target.database };
        // A member restarted by the last revert may still be starting: keep trying until the deadline.
        for (;;) {
          try {
            open.push({ name: m.name, client: await connectDb(target, 5_000) });
            break;
          } catch (error) {
            if (performance.now() > deadline) {
              unreachable.push(`${m.name} (${(error as Error).message})`);
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      }
      const roles = await Promise.all(open.map(async (m) => ({ m, recovery: (await m.client.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r })));
      const primaries = roles.filter((r) => !r.recovery).map((r) => r.m);
      if (primaries.length !== 1) return evidence(primaries.length > 1 ? 'fail' : 'unknown', `${primaries.length} members accept writes (${primaries.map((p) => p.name).join(', ') || 'none'}); expected exactly one`, { unreachable });
      const primary = primaries[0]!;
      const replicas = roles.filter((r) => r.recovery).map((r) => r.m);
      const lsn = (await primary.client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn;
      const behind = await waitForReplay(replicas, lsn, ctx.timeoutMs);
      if (behind.length) return evidence('fail', `${behind.join(', ')} did not replay the primary's WAL up to ${lsn} within ${Math.round(ctx.timeoutMs / 1000)} s`, { primary: primary.name, lsn, behind, unreachable });
      const tables = (await primary.client.query<{ name: string }>(TABLES_SQL)).rows.map((r) => r.name);
      const sums: Record<string, Record<string, { rows: string; checksum: string }>> = {};
      const mismatches: string[] = [];
      for (const table of tables) {
        sums[table] = {};
        for (const m of [primary, ...replicas]) sums[table]![m.name] = (await m.client.query<{ rows: string; checksum: string }>(checksumSql(table))).rows[0]!;
        const reference = sums[table]![primary.name]!;
        for (const r of replicas) {
          const s = sums[table]![r.name]!;
          if (s.checksum !== reference.checksum) mismatches.push(`${table} on ${r.name}: ${s.rows} rows, checksum ${s.checksum}; primary ${primary.name}: ${reference.rows} rows, ${reference.checksum}`);
        }
      }
      const details = { primary: primary.name, replicas: replicas.map((r) => r.name), lsn, tables: sums, unreachable };
      if (mismatches.length) return evidence('fail', `replicas differ from the primary: ${mismatches[0]}`, { ...details, mismatches });
      if (unreachable.length) return evidence('unknown', `${replicas.length} replica${replicas.length === 1 ? '' : 's'} match the primary, but ${unreachable.join(', ')} could not be reached`, details);
      return evidence('pass', `${replicas.length} replica${replicas.length === 1 ? '' : 's'} (${replicas.map((r) => r.name).join(', ')}) hold exactly the primary's rows in ${tables.join(', ') || 'no kdrill table'} at ${lsn}`, details);
    } finally {
      await Promise.all(open.map((m) => m.client.end().catch(() => undefined)));
    }
  },
};

// The replicas still behind `lsn` when the time is up.
async function waitForReplay(replicas: readonly MemberConnection[], lsn: string, timeoutMs: number): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const behind: string[] = [];
    for (const r of replicas) {
      const { rows } = await r.client.query<{ caught: boolean | null }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as caught', [lsn]);
      if (!rows[0]?.caught) behind.push(r.name);
    }
    if (behind.length === 0 || performance.now() > deadline) return behind;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
