import { createHash } from 'node:crypto';
import { withDb } from '../../db/target.js';
import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';

export const SEED_TABLE = 'kdrill_seed';

// The checksum kdrill expects, computed here rather than by the server, so a server that
// seeded or aggregates wrongly cannot agree with itself.
export function expectedSeedChecksum(rows: number): string {
  const hash = createHash('md5');
  for (let id = 1; id <= rows; id++) {
    const payload = createHash('md5').update(String(id)).digest('hex');
    hash.update(`${id === 1 ? '' : ','}${id}:${payload}`);
  }
  return hash.digest('hex');
}

const CHECKSUM_SQL = `select count(*)::int as rows, md5(coalesce(string_agg(id || ':' || payload, ',' order by id), '')) as checksum from ${SEED_TABLE}`;

// A known dataset written before the drill, checked byte for byte after it.
export const seededChecksum: Verifier = {
  name: 'seeded-checksum',
  async prepare(ctx) {
    return withDb(ctx.target, 60_000, async (client) => {
      await client.query(`drop table if exists ${SEED_TABLE}`);
      await client.query(`create table ${SEED_TABLE} (id int primary key, payload text not null)`);
      await client.query(`insert into ${SEED_TABLE} select g, md5(g::text) from generate_series(1, $1::int) g`, [ctx.seedRows]);
      const { rows } = await client.query<{ rows: number; checksum: string }>(CHECKSUM_SQL);
      const expected = expectedSeedChecksum(ctx.seedRows);
      if (rows[0]?.checksum !== expected) throw new Error(`the seeded table's checksum ${rows[0]?.checksum} differs from the expected ${expected} before any fault`);
      ctx.log(`seeded ${ctx.seedRows} rows into ${SEED_TABLE}, checksum ${expected}`);
      return { table: SEED_TABLE, rows: ctx.seedRows, checksum: expected };
    });
  },
  async verify(ctx: VerifyContext): Promise<Evidence> {
    const seeded = ctx.prepared as { rows?: unknown; checksum?: unknown } | undefined;
    if (typeof seeded?.rows !== 'number' || typeof seeded.checksum !== 'string') return evidence('unknown', 'no dataset was seeded before the drill');
    const expected = seeded.checksum;
    const { rows } = await withDb(ctx.target, ctx.timeoutMs, (client) => client.query<{ rows: number; checksum: string }>(CHECKSUM_SQL));
    const found = rows[0]!;
    const details = { table: SEED_TABLE, expectedRows: seeded.rows, rows: found.rows, expected, found: found.checksum };
    if (found.checksum === expected) return evidence('pass', `${SEED_TABLE}: ${found.rows} rows, checksum ${expected} as seeded`, details);
    return evidence('fail', `${SEED_TABLE}: ${found.rows} of ${seeded.rows} rows, checksum ${found.checksum} instead of ${expected}`, details);
  },
};
