import pg from 'pg';
import type { AddressPlan, NodePlan } from '../address-plan.js';
import { PATRONI_PORT, PG_PORT } from '../config/patroni.js';

export interface MemberView {
  readonly node: string;
  readonly zone: string;
  readonly address: string;
  readonly patroni: 'up' | 'down';
  readonly role: 'primary' | 'replica' | 'unknown';
  readonly state?: string; // Patroni's: running, starting, stopped…
  readonly timeline?: number;
  readonly streaming?: boolean; // for replicas: the primary sees it in pg_stat_replication
  readonly lagBytes?: number;
  readonly etcd: 'healthy' | 'unhealthy' | 'down';
}

export interface ClusterView {
  readonly members: readonly MemberView[];
  readonly primaries: readonly string[];
  readonly healthy: boolean; // exactly one primary, every other member streaming, etcd healthy everywhere
  readonly problems: readonly string[];
}

export async function getJson(url: string, timeoutMs: number): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body };
  } catch {
    return undefined;
  }
}

// Patroni's own view of one member (GET /patroni), or undefined when its API does not answer.
export async function patroniOf(node: NodePlan, timeoutMs = 1_000): Promise<{ role: string; state: string; timeline?: number } | undefined> {
  const r = await getJson(`http://${node.address}:${PATRONI_PORT}/patroni`, timeoutMs);
  if (!r || typeof r.body !== 'object' || r.body === null) return undefined;
  const body = r.body as { role?: string; state?: string; timeline?: number };
  return { role: body.role ?? 'unknown', state: body.state ?? 'unknown', ...(body.timeline !== undefined ? { timeline: body.timeline } : {}) };
}

export async function etcdHealthOf(node: NodePlan, timeoutMs = 1_000): Promise<MemberView['etcd']> {
  const r = await getJson(`http://${node.address}:2379/health`, timeoutMs);
  if (!r) return 'down';
  return (r.body as { health?: unknown })?.health === 'true' ? 'healthy' : 'unhealthy';
}

// Replicas streaming from `primary`, by application_name (pg_basebackup's WAL streamer is not a member).
export async function streamingFrom(primary: NodePlan, password: string, memberNames: readonly string[]): Promise<Map<string, number>> {
  const client = new pg.Client({ host: primary.address, port: PG_PORT, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 2_000, statement_timeout: 2_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string; lag: string | null }>(
      "select application_name as name, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint::text as lag from pg_stat_replication where state = 'streaming'",
    );
    return new Map(rows.filter((r) => memberNames.includes(r.name)).map((r) => [r.name, Number(r.lag ?? 0)]));
  } finally {
    await client.end().catch(() => undefined);
  }
}

// Patroni's names for the member holding the leader key (they changed across versions).
export const PRIMARY_ROLES: ReadonlySet<string> = new Set(['master', 'primary', 'leader', 'standby_leader']);

// The cluster as its members report it, right now.
export async function observeCluster(plan: AddressPlan, password: string): Promise<ClusterView> {
  const raw = await Promise.all(plan.nodes.map(async (node) => ({ node, patroni: await patroniOf(node), etcd: await etcdHealthOf(node) })));
  const primaries = raw.filter((r) => r.patroni && PRIMARY_ROLES.has(r.patroni.role) && r.patroni.state === 'running').map((r) => r.node);
  let streaming = new Map<string, number>();
  const problems: string[] = [];
  if (primaries.length === 1) {
    try {
      streaming = await streamingFrom(primaries[0]!, password, plan.nodes.map((n) => n.name));
    } catch (error) {
      problems.push(`cannot read pg_stat_replication on ${primaries[0]!.name}: ${(error as Error).message}`);
    }
  }
  const members: MemberView[] = raw.map(({ node, patroni, etcd }) => {
    const isPrimary = primaries.includes(node);
    const role: MemberView['role'] = !patroni ? 'unknown' : isPrimary ? 'primary' : patroni.role === 'replica' ? 'replica' : 'unknown';
    return {
      node: node.name,
      zone: node.zone,
      address: node.address,
      patroni: patroni ? 'up' : 'down',
      role,
      ...(patroni ? { state: patroni.state } : {}),
      ...(patroni?.timeline !== undefined ? { timeline: patroni.timeline } : {}),
      ...(role === 'replica' ? { streaming: streaming.has(node.name) } : {}),
      ...(streaming.has(node.name) ? { lagBytes: streaming.get(node.name)! } : {}),
      etcd,
    };
  });
  if (primaries.length === 0) problems.push('no primary');
  if (primaries.length > 1) problems.push(`${primaries.length} primaries: ${primaries.map((p) => p.name).join(', ')}`);
  for (const m of members) {
    if (m.patroni === 'down') problems.push(`${m.node}: Patroni API does not answer`);
    else if (m.role === 'replica' && !m.streaming) problems.push(`${m.node}: replica not streaming`);
    else if (m.role === 'unknown') problems.push(`${m.node}: role ${m.state ?? 'unknown'}`);
    if (m.etcd !== 'healthy') problems.push(`${m.node}: etcd ${m.etcd}`);
  }
  return { members, primaries: primaries.map((p) => p.name), healthy: problems.length === 0, problems };
}
