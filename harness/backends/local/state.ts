import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PatroniTiming, Credentials } from './config/patroni.js';
import type { ProcessRecord } from './processes/index.js';
import type { TopologyFile } from './topology-file.js';

// Where local clusters live: state files, data directories and logs. PostgreSQL runs as the
// postgres user, so the path must be traversable by it (not under /root).
export function kdrillHome(): string {
  return process.env['KDRILL_HOME'] ?? '/var/tmp/kdrill';
}

export interface ClusterOptions {
  readonly dcs: 'etcd' | 'etcd3';
  readonly timing: PatroniTiming;
  readonly synchronous: boolean;
}

// Everything needed to find, heal or remove a cluster after the harness crashed. Written
// before each resource is created, so a crash mid-way leaves a record of what may exist.
export interface ClusterState {
  readonly version: 1;
  readonly clusterId: string;
  readonly slot: number;
  readonly createdAt: string;
  readonly dir: string;
  readonly topologyFile: string;
  readonly topology: TopologyFile;
  readonly options: ClusterOptions;
  readonly mode?: import('./address-plan.js').NetworkMode; // absent in older state: netns
  // Built inside the user namespace of the run that made it: unreachable from outside, it
  // lives and dies with that run's processes (cleanup can only remove it, not heal it).
  readonly userNamespace?: boolean;
  readonly credentials: Credentials;
  phase: 'creating' | 'up' | 'destroying';
  processes: Record<string, ProcessRecord>;
  // The run that created the cluster for itself; `kdrill cleanup` removes it once that run's
  // process is gone. Absent for clusters made by `kdrill cluster up`, which stay until `down`.
  owner?: { runId: string; pid: number; startTime: number; keep: boolean };
  // Instances restored from the backups (restore drills), by name. Each belongs to the run
  // that made it and is removed when that run ends, or by `kdrill cleanup` once it is gone.
  restores?: Record<string, RestoreRecord>;
  // Set by the cluster-loss fault once every node and its data is gone; cleared when the
  // cluster has been rebuilt from its backups (a restore into a fresh cluster, or the heal).
  lost?: { readonly faultId: string; readonly at: string };
}

export interface RestoreRecord {
  readonly name: string;
  readonly index: number;
  readonly createdAt: string;
  readonly owner: { runId: string; pid: number; startTime: number };
}

const STATE_FILE = 'state.json';

export function clustersDir(home = kdrillHome()): string {
  return path.join(home, 'clusters');
}

export function newClusterId(): string {
  return randomBytes(2).toString('hex');
}

export function randomSecret(): string {
  return randomBytes(18).toString('base64url');
}

// Atomic and private (it holds the cluster's passwords).
export async function saveState(state: ClusterState): Promise<void> {
  await mkdir(state.dir, { recursive: true, mode: 0o755 });
  const file = path.join(state.dir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

export async function loadState(dir: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, STATE_FILE), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

// Every cluster with a state file, oldest first.
export async function listClusters(home = kdrillHome()): Promise<ClusterState[]> {
  const root = clustersDir(home);
  if (!existsSync(root)) return [];
  const states = await Promise.all((await readdir(root)).map((name) => loadState(path.join(root, name))));
  return states.filter((s): s is ClusterState => s !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

// The cluster's directory and everything in it (state file, data, logs). Gone already, wholly
// or in part, is removed; a file still being written as the walk reaches its directory
// (ENOTEMPTY, EBUSY) is retried. @throws what stays (EACCES, a mount point: EBUSY).
export async function removeClusterDir(state: Pick<ClusterState, 'dir'>): Promise<void> {
  await rm(state.dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}
