import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressPlan, NodePlan } from '../address-plan.js';
import { etcdArgv } from '../config/etcd.js';
import { haproxyConfig } from '../config/haproxy.js';
import { patroniConfig } from '../config/patroni.js';
import { asPostgres, inNetns } from '../exec.js';
import { pgbackrest } from '../backup/pgbackrest.js';
import { archiveCommand, backupRegionDir, pgbackrestConfig, pgbackrestConfigPath } from '../config/pgbackrest.js';
import { startDetached, type ProcessRecord } from '../processes/index.js';
import type { ClusterState } from '../state.js';

// Keys of the process table in the state file.
export const processKey = {
  etcd: (node: string) => `etcd:${node}`,
  patroni: (node: string) => `patroni:${node}`,
  haproxy: 'haproxy',
} as const;

export function nodeDir(state: Pick<ClusterState, 'dir'>, node: string): string {
  return path.join(state.dir, 'nodes', node);
}

export const etcdDataDir = (state: Pick<ClusterState, 'dir'>, node: string) => path.join(nodeDir(state, node), 'etcd');
export const pgDir = (state: Pick<ClusterState, 'dir'>, node: string) => path.join(nodeDir(state, node), 'pg');

// Creates a node's directories: etcd's owned by root, PostgreSQL's by the postgres user.
// `postgres` is the account PostgreSQL runs as when kdrill is root; otherwise kdrill's own.
export async function prepareNodeDirs(state: ClusterState, node: NodePlan, postgres: { uid: number; gid: number } | undefined): Promise<void> {
  await mkdir(nodeDir(state, node.name), { recursive: true, mode: 0o755 });
  await mkdir(etcdDataDir(state, node.name), { recursive: true, mode: 0o700 });
  const pg = pgDir(state, node.name);
  await mkdir(pg, { recursive: true, mode: 0o700 });
  if (postgres) await chown(pg, postgres.uid, postgres.gid);
}

// The backup region's directories and pgBackRest's configuration, owned by whoever runs PostgreSQL.
export async function prepareBackupRegion(state: ClusterState, plan: AddressPlan, postgres: { uid: number; gid: number } | undefined): Promise<void> {
  const region = backupRegionDir(state.dir);
  for (const sub of ['', 'repo', 'log', 'lock', 'spool']) {
    const dir = path.join(region, sub);
    await mkdir(dir, { recursive: true, mode: 0o750 });
    if (postgres) await chown(dir, postgres.uid, postgres.gid);
  }
  const config = pgbackrestConfigPath(state.dir);
  await writeFile(config, pgbackrestConfig(plan, state.dir, (node) => pgDir(state, node)), { mode: 0o640 });
  if (postgres) await chown(config, postgres.uid, postgres.gid);
}

// Creates the stanza once a primary runs (archiving fails, and is retried, until then).
export async function createStanza(state: ClusterState): Promise<void> {
  await pgbackrest(state, ['stanza-create'], 60_000);
}

// The argv that runs a command on a node: inside its namespace, or as is in loopback mode.
function onNode(plan: AddressPlan, node: NodePlan, argv: readonly string[]): string[] {
  return plan.mode === 'netns' ? inNetns(node.netns, argv) : [...argv];
}


export async function startEtcd(state: ClusterState, plan: AddressPlan, node: NodePlan, memberState: 'new' | 'existing' = 'new', members?: readonly NodePlan[]): Promise<ProcessRecord> {
  const argv = onNode(plan, node, etcdArgv(plan, node, etcdDataDir(state, node.name), memberState, members));
  return startDetached(`etcd ${node.name}`, argv, path.join(nodeDir(state, node.name), 'etcd.log'), nodeDir(state, node.name));
}

export async function writePatroniConfig(state: ClusterState, plan: AddressPlan, node: NodePlan, binDir: string, postgres: { uid: number; gid: number } | undefined, bootstrapCommand?: string): Promise<string> {
  const dir = pgDir(state, node.name);
  const file = path.join(dir, 'patroni.yml');
  const text = patroniConfig(plan, node, { ...state.options, binDir, nodeDir: dir, credentials: state.credentials, archiveCommand: archiveCommand(state.dir, path.join(dir, 'data')), ...(bootstrapCommand ? { bootstrapCommand } : {}) });
  await writeFile(file, text, { mode: 0o600 });
  if (postgres) await chown(file, postgres.uid, postgres.gid);
  return file;
}

// Patroni runs as postgres (PostgreSQL refuses root); setpriv execs, so the pid is Patroni's.
export async function startPatroni(state: ClusterState, plan: AddressPlan, node: NodePlan): Promise<ProcessRecord> {
  const config = path.join(pgDir(state, node.name), 'patroni.yml');
  const argv = onNode(plan, node, asPostgres(['patroni', config]));
  const log = path.join(nodeDir(state, node.name), 'patroni.log');
  return startDetached(`patroni ${node.name}`, argv, log, pgDir(state, node.name), { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8' });
}

export async function startHaproxy(state: ClusterState, plan: AddressPlan): Promise<ProcessRecord> {
  const file = path.join(state.dir, 'haproxy.cfg');
  await writeFile(file, haproxyConfig(plan), { mode: 0o644 });
  await chmod(file, 0o644);
  return startDetached('haproxy', ['haproxy', '-db', '-f', file], path.join(state.dir, 'haproxy.log'), state.dir);
}
