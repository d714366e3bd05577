import copyStreams from 'pg-copy-streams';
import { withDb, type DbTarget } from '../../db/target.js';
import { LEDGER_TABLE } from '../../load/ledger-driver/index.js';
import { IdCopyParser } from './copy-parser.js';
import { PresentIds } from './present-ids.js';

export interface ReadbackResult {
  readonly ids: PresentIds;
  readonly server: string; // the server that answered, so a report can say where it read
  readonly malformed: number;
  readonly durationMs: number;
}

// Reads every id the ledger table holds with one COPY … TO STDOUT through `target`, from a
// read-write transaction's snapshot of the primary. `sent`: how many ids the ledger sent.
export async function readLedgerTable(target: DbTarget, sent: number, timeoutMs = 60_000): Promise<ReadbackResult> {
  const started = performance.now();
  return withDb(target, timeoutMs, async (client) => {
    const { rows } = await client.query<{ server: string; recovery: boolean }>('select host(inet_server_addr()) as server, pg_is_in_recovery() as recovery');
    const ids = new PresentIds(sent);
    const parser = new IdCopyParser(ids);
    const stream = client.query(copyStreams.to(`copy (select id from ${LEDGER_TABLE}) to stdout`));
    for await (const chunk of stream as AsyncIterable<Buffer>) parser.push(chunk);
    parser.end();
    return { ids, server: `${rows[0]?.server ?? 'unknown'}${rows[0]?.recovery ? ' (a replica)' : ''}`, malformed: parser.malformedBytes, durationMs: performance.now() - started };
  }, true);
}

// Whether a read-back's server (as `server` says it) was a replica, not the primary.
export const isReplica = (server: string): boolean => server.endsWith(' (a replica)');
