import { withDb } from '../../db/target.js';
import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';

// B-tree indexes checked against their tables (bt_index_check with heapallindexed) and the
// tables' heap pages (verify_heapam), for every table kdrill wrote to, on the primary.
const RELATIONS_SQL = `
  select c.oid::regclass::text as name, c.relkind
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'i') and c.relname like 'kdrill\\_%'
    and (c.relkind = 'r' or c.relam = (select oid from pg_am where amname = 'btree'))
  order by c.relkind desc, 1`;

export const amcheck: Verifier = {
  name: 'amcheck',
  async verify(ctx: VerifyContext): Promise<Evidence> {
    return withDb(ctx.target, ctx.timeoutMs, async (client) => {
      await client.query('create extension if not exists amcheck');
      const { rows: relations } = await client.query<{ name: string; relkind: string }>(RELATIONS_SQL);
      if (relations.length === 0) return evidence('unknown', 'no kdrill table to check');
      const problems: string[] = [];
      for (const r of relations) {
        if (r.relkind === 'i') {
          try {
            await client.query('select bt_index_check($1::regclass, true)', [r.name]);
          } catch (error) {
            problems.push(`${r.name}: ${(error as Error).message}`);
          }
        } else {
          const { rows } = await client.query<{ blkno: string; msg: string }>('select blkno, msg from verify_heapam($1::regclass)', [r.name]);
          for (const row of rows.slice(0, 10)) problems.push(`${r.name} block ${row.blkno}: ${row.msg}`);
        }
      }
      const details = { checked: relations.map((r) => r.name), problems };
      if (problems.length) return evidence('fail', `amcheck found ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]}`, details);
      return evidence('pass', `amcheck: ${relations.length} relations (${relations.map((r) => r.name).join(', ')}) verified, no corruption`, details);
    });
  },
};
