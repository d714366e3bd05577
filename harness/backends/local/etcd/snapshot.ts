import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import type { LocalCluster } from '../cluster/handle.js';
import { etcdHealthOf } from '../cluster/observe.js';
import { backupRegionDir } from '../config/pgbackrest.js';
import type { ClusterState } from '../state.js';
import { etcdctl, patroniPrefix, v3KeysUnder } from './etcdctl.js';

// One `etcdctl snapshot save`, as `snapshot status` describes it.
export interface EtcdSnapshot {
  readonly file: string;
  readonly savedAt: string; // wall time, ISO 8601
  readonly fromMember: string;
  readonly revision: number;
  readonly keys: number;
  readonly bytes: number;
  readonly hash: number;
  readonly durationMs: number;
  // Patroni's keys the snapshot holds. With the `etcd` (v2) DCS they live in etcd's v2
  // store, which a (v3) snapshot does not contain: a restore brings none of them back.
  readonly patroniKeys: number;
}

// Snapshots sit in the backup region beside the pgBackRest repository, outside every node.
export const etcdSnapshotDir = (state: Pick<ClusterState, 'dir'>): string => path.join(backupRegionDir(state.dir), 'etcd-snapshots');

/** Saves a snapshot from the first healthy member. @throws KdrillError STEP_FAILED when none is. */
export async function saveEtcdSnapshot(cluster: LocalCluster): Promise<EtcdSnapshot> {
  const health = await Promise.all(cluster.plan.nodes.map((n) => etcdHealthOf(n)));
  const member = cluster.plan.nodes.find((_, i) => health[i] === 'healthy');
  if (!member) throw new KdrillError(ErrorCode.STEP_FAILED, `etcd-snapshot: no healthy etcd member to save a snapshot from (${cluster.plan.nodes.map((n, i) => `${n.name} ${health[i]}`).join(', ')})`);
  const dir = etcdSnapshotDir(cluster.state);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const savedAt = new Date();
  const file = path.join(dir, `${savedAt.toISOString().replace(/[:.]/g, '-')}-${member.name}.db`);
  const endpoint = `http://${member.address}:2379`;
  const started = performance.now();
  await etcdctl(['--endpoints', endpoint, '--command-timeout=60s', 'snapshot', 'save', file]);
  const durationMs = performance.now() - started;
  const status = JSON.parse((await etcdctl(['snapshot', 'status', file, '-w', 'json'])).stdout) as { hash: number; revision: number; totalKey: number; totalSize: number };
  const patroniKeys = (await v3KeysUnder(endpoint, patroniPrefix(cluster.state.clusterId))).length;
  const snapshot: EtcdSnapshot = { file, savedAt: savedAt.toISOString(), fromMember: member.name, revision: status.revision, keys: status.totalKey, bytes: status.totalSize, hash: status.hash, durationMs, patroniKeys };
  // Beside the snapshot, so a restore can say what it held without a server to ask.
  await writeFile(`${file}.json`, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 });
  return snapshot;
}

// What was recorded when a snapshot was saved (undefined for a snapshot kdrill did not save).
export async function snapshotRecord(file: string): Promise<EtcdSnapshot | undefined> {
  return JSON.parse(await readFile(`${file}.json`, 'utf8').catch(() => 'null')) ?? undefined;
}

// The snapshots of a cluster, oldest first (their names start with the time they were saved).
export async function listEtcdSnapshots(state: Pick<ClusterState, 'dir'>): Promise<{ file: string; bytes: number }[]> {
  const dir = etcdSnapshotDir(state);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.db')).sort();
  return Promise.all(names.map(async (name) => ({ file: path.join(dir, name), bytes: (await stat(path.join(dir, name))).size })));
}
