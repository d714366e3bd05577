import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { replicaConsistency } from '../../../../harness/verify/replica-consistency/verifier.js';
import type { VerifyContext } from '../../../../harness/verify/types.js';
import { memberPod, NS, WORKERS } from '../../../helpers/kube-api/kind-like.js';
import { startKindLikeServer, type KindLikeServer } from '../../../helpers/kube-api/kind-like-server.js';
import { KubeTestServer } from '../../../helpers/kube-api/server.js';

// Replica consistency on Kubernetes, where kdrill cannot reach each pod: psql run in each
// member's container through exec. The members' rows are this test's own (what each pod
// "holds"); the checksum a real PostgreSQL would answer is computed here from them, never
// by the verifier's formula.
let server: KindLikeServer;
let api: KubeTestServer;
let dir: string;

interface Member {
  recovery: boolean;
  ids: number[];
  replayed: boolean;
}
let members: Record<string, Member>;
const ran: string[] = [];
const PRIMARY_LSN = '0/3000148';

const md5 = (ids: readonly number[]) => createHash('md5').update([...ids].sort((a, b) => a - b).join(',')).digest('hex');

// What PostgreSQL would print for each statement the verifier sends, through psql -At -F US.
function psql(pod: string, command: readonly string[]): { stdout?: string; stderr?: string; exitCode?: number } {
  const m = members[pod];
  if (!m) return { exitCode: 2, stderr: 'psql: error: connection to server on socket "/tmp/.s.PGSQL.5432" failed: No such file or directory' };
  expect(command.slice(0, 6)).toEqual(['psql', '-h', '/tmp', '-U', 'postgres', '-d']);
  expect(command[6]).toBe('kdrill');
  const sql = command.at(-1)!;
  ran.push(`${pod}: ${sql.split('\n')[0]!.slice(0, 40)}`);
  if (sql === 'select 1') return { stdout: '1\n' };
  if (sql.includes('pg_is_in_recovery')) return { stdout: `${m.recovery}\n` };
  if (sql.includes('pg_current_wal_lsn')) return { stdout: `${PRIMARY_LSN}\n` };
  if (sql.includes('pg_last_wal_replay_lsn')) return { stdout: m.recovery ? `${m.replayed}\n` : '\n' };
  if (sql.includes('from pg_class')) return { stdout: 'kdrill_ledger\n' };
  if (sql.includes('from kdrill_ledger')) return { stdout: `${m.ids.length}\x1f${md5(m.ids)}\n` };
  return { exitCode: 3, stderr: `ERROR:  unexpected statement ${sql}` };
}

const verifyContext = (endpoints: VerifyContext['endpoints']): VerifyContext => ({
  target: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'kdrill' } as VerifyContext['target'],
  endpoints,
  timeoutMs: 1_500,
  log: () => {},
});

beforeEach(async () => {
  server = await startKindLikeServer('kdrill-k8s-rc-');
  ({ api, dir } = server);
  const ids = [1, 2, 3, 5, 8, 13];
  members = { 'postgres-0': { recovery: false, ids, replayed: true }, 'postgres-1': { recovery: true, ids: [...ids], replayed: true }, 'postgres-2': { recovery: true, ids: [...ids], replayed: true } };
  ran.length = 0;
  api.onExec((_ns, pod, container, command) => {
    expect(container).toBe('postgres');
    return psql(pod, command);
  });
});

afterEach(() => server.close());

async function verify() {
  const target = kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });
  await using connected = await kubernetesBackend.connect(target, { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
  const endpoints = await connected.endpoints();
  return replicaConsistency.verify(verifyContext(endpoints));
}

describe('replica-consistency on the kubernetes backend (psql in each pod)', () => {
  it('proves consistent replicas: every member asked in its own pod', async () => {
    const result = await verify();
    expect(result.verdict, result.summary).toBe('pass');
    expect(result.summary).toContain('2 replicas (postgres-1, postgres-2) hold exactly the primary\'s rows in kdrill_ledger at 0/3000148');
    for (const pod of ['postgres-0', 'postgres-1', 'postgres-2']) expect(ran.some((r) => r.startsWith(`${pod}: select count`))).toBe(true);
  });

  it('a replica missing a row fails, naming it and both counts', async () => {
    members['postgres-2']!.ids = [1, 2, 3, 5, 8];
    const result = await verify();
    expect(result.verdict).toBe('fail');
    expect(result.summary).toContain(`kdrill_ledger on postgres-2: 5 rows, checksum ${md5([1, 2, 3, 5, 8])}; primary postgres-0: 6 rows, ${md5([1, 2, 3, 5, 8, 13])}`);
  });

  it('a replica that does not replay to the primary\'s position fails', async () => {
    members['postgres-1']!.replayed = false;
    const result = await verify();
    expect(result.verdict).toBe('fail');
    expect(result.summary).toMatch(/^postgres-1 did not replay the primary's WAL up to 0\/3000148/);
  });

  it('a pod that is down is reported, never counted as consistent', async () => {
    api.put(memberPod('postgres-2', WORKERS[4]!.name, 'replica', false));
    api.put({ ...api.object('v1', 'Pod', NS, 'postgres-2')!, status: { phase: 'Failed' } });
    const result = await verify();
    expect(result.verdict).toBe('unknown');
    expect(result.summary).toMatch(/1 replica match the primary, but postgres-2 \(pod kdrill-pg\/postgres-2 is down \(phase Failed, not Ready on kdrill-worker5\)\) could not be reached/);
  });
});
