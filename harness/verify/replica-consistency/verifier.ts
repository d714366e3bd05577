import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';
import { openMembers, type MemberSql } from './members.js';

// Every statement answers text, whether a pg client or psql in a pod runs it.
const TABLES_SQL = `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'kdrill\\_%' order by 1`;
const checksumSql = (table: string) => `select count(*)::text as rows, md5(coalesce(string_agg(id::text, ',' order by id), '')) as checksum from ${table}`;
const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/;

const one = async (m: MemberSql, sql: string): Promise<string> => (await m.query(sql))[0]?.[0] ?? '';

// Once every replica has replayed the primary's WAL up to a point taken after the drill, each
// kdrill table must hold exactly the same ids on every member.
export const replicaConsistency: Verifier = {
  name: 'replica-consistency',
  async verify(ctx: VerifyContext): Promise<Evidence> {
    const { open, unreachable, count, close } = await openMembers(ctx);
    try {
      if (count < 2) return evidence('unknown', 'the backend does not expose its members one by one');
      const roles = await Promise.all(open.map(async (m) => ({ m, recovery: (await one(m, 'select pg_is_in_recovery()::text')) === 'true' })));
      const primaries = roles.filter((r) => !r.recovery).map((r) => r.m);
      if (primaries.length !== 1) return evidence(primaries.length > 1 ? 'fail' : 'unknown', `${primaries.length} members accept writes (${primaries.map((p) => p.name).join(', ') || 'none'}); expected exactly one`, { unreachable });
      const primary = primaries[0]!;
      const replicas = roles.filter((r) => r.recovery).map((r) => r.m);
      const lsn = await one(primary, 'select pg_current_wal_lsn()::text');
      if (!LSN.test(lsn)) return evidence('unknown', `the primary ${primary.name} answered "${lsn.slice(0, 40)}" for its WAL position`, { unreachable });
      const behind = await waitForReplay(replicas, lsn, ctx.timeoutMs);
      if (behind.length) return evidence('fail', `${behind.join(', ')} did not replay the primary's WAL up to ${lsn} within ${Math.round(ctx.timeoutMs / 1000)} s`, { primary: primary.name, lsn, behind, unreachable });
      const tables = (await primary.query(TABLES_SQL)).map((r) => r[0]!);
      const sums: Record<string, Record<string, { rows: string; checksum: string }>> = {};
      const mismatches: string[] = [];
      for (const table of tables) {
        sums[table] = {};
        for (const m of [primary, ...replicas]) {
          const [rows = '', checksum = ''] = (await m.query(checksumSql(table)))[0] ?? [];
          sums[table]![m.name] = { rows, checksum };
        }
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
      await close();
    }
  },
};

// The replicas still behind `lsn` when the time is up.
async function waitForReplay(replicas: readonly MemberSql[], lsn: string, timeoutMs: number): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const behind: string[] = [];
    for (const r of replicas) if ((await one(r, `select (pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn)::text`)) !== 'true') behind.push(r.name);
    if (behind.length === 0 || performance.now() > deadline) return behind;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
