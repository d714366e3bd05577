import { withDb } from '../../db/target.js';
import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';

// A restored instance that only answers reads is no recovery: it must commit a write and
// return it, as an application's first transaction after the restore would.
export const restoreWritable: Verifier = {
  name: 'restore-writable',
  async verify(ctx: VerifyContext): Promise<Evidence> {
    if (!ctx.restore) return evidence('unknown', 'this run restored nothing to check');
    const { instance } = ctx.restore;
    const started = performance.now();
    return withDb(ctx.target, ctx.timeoutMs, async (client) => {
      const { rows } = await client.query<{ recovering: boolean; server: string }>('select pg_is_in_recovery() as recovering, host(inet_server_addr()) as server');
      if (rows[0]?.recovering) return evidence('fail', `${instance} is still in recovery: it takes no writes`, { instance });
      await client.query('create table if not exists kdrill_restore_writable (id bigserial primary key, at timestamptz not null default clock_timestamp())');
      const written = await client.query<{ id: string }>('insert into kdrill_restore_writable default values returning id');
      const id = written.rows[0]!.id;
      const read = await client.query('select 1 from kdrill_restore_writable where id = $1', [id]);
      const ms = Math.round(performance.now() - started);
      if (read.rowCount !== 1) return evidence('fail', `${instance} committed a write but did not return it`, { instance, id });
      return evidence('pass', `${instance} (${rows[0]?.server ?? 'unknown'}) committed a write and read it back in ${ms} ms`, { instance, server: rows[0]?.server, id, ms });
    });
  },
};
