import { connectDb, dbTargetOfUrl } from '../../db/target.js';
import type { VerifyContext } from '../types.js';

// One member the verifier can ask: its rows as text.
export interface MemberSql {
  readonly name: string;
  query(sql: string): Promise<string[][]>;
}

export interface OpenMembers {
  readonly open: MemberSql[];
  // Members that did not answer before the deadline, each with why.
  readonly unreachable: string[];
  // How many members the backend exposes, answering or not.
  readonly count: number;
  close(): Promise<void>;
}

const QUERY_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every member the backend exposes: by URL (a pg connection each), or as sessions (psql in a
// pod). A member restarted by the last revert may still be starting, so each is tried until
// the deadline; one that never answers is listed as unreachable, never left out silently.
export async function openMembers(ctx: VerifyContext): Promise<OpenMembers> {
  const deadline = performance.now() + ctx.timeoutMs;
  const open: MemberSql[] = [];
  const unreachable: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => void (await Promise.all(closers.map((c) => c().catch(() => undefined))));
  const byUrl = ctx.endpoints.members ?? [];
  const sessions = ctx.endpoints.memberSessions ?? [];
  const count = byUrl.length || sessions.length;
  if (count < 2) return { open, unreachable, count, close };
  const untilDeadline = async (name: string, attempt: () => Promise<void>): Promise<void> => {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (performance.now() > deadline) {
          unreachable.push(`${name} (${(error as Error).message.split('\n')[0]})`);
          return;
        }
        await sleep(500);
      }
    }
  };
  if (byUrl.length) {
    for (const m of byUrl) {
      const member = dbTargetOfUrl(m.url, ctx.endpoints);
      if (!member) continue;
      await untilDeadline(m.name, async () => {
        const client = await connectDb({ ...member, database: ctx.target.database }, 5_000);
        closers.push(() => client.end());
        open.push({ name: m.name, query: async (sql) => (await client.query<string[]>({ text: sql, rowMode: 'array' })).rows.map((r) => r.map((v) => (v === null ? '' : String(v)))) });
      });
    }
  } else {
    const options = { database: ctx.target.database, timeoutMs: QUERY_TIMEOUT_MS };
    for (const s of sessions) {
      await untilDeadline(s.name, async () => {
        await s.query('select 1', options);
        open.push({ name: s.name, query: (sql) => s.query(sql, options) });
      });
    }
  }
  return { open, unreachable, count, close };
}
