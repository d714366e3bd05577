import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration } from '../../../model/duration.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { isRunning } from '../../../common/proc.js';
import type { RestorePoint } from '../../../journal/restore-point.js';
import { listBackups, type BackupRecord } from '../backup/pgbackrest.js';
import type { LocalCluster } from '../cluster/handle.js';
import { patroniOf, PRIMARY_ROLES } from '../cluster/observe.js';
import { nodeDir, pgDir, prepareNodeDirs, processKey, writePatroniConfig } from '../cluster/start.js';
import { waitEtcdHealthy, waitFor } from '../cluster/wait.js';
import { backupRegionDir, pgbackrestConfigPath, STANZA } from '../config/pgbackrest.js';
import { createNodeNetwork } from '../network/index.js';
import { postgresBinDir, uidGidOf } from '../processes/pg-tools.js';
import { saveState } from '../state.js';
import { chooseBackup, damagedBackup, directoryBytes, logTail, mib, restoreArgs, RestoreFailed } from './from-repository.js';

export interface RebuildRequest {
  readonly target: RestorePoint;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

// A cluster rebuilt from its backups, and how long each part took.
export interface RebuiltCluster {
  readonly backup: BackupRecord;
  readonly target: string; // "latest" or the ISO time recovery stopped before
  readonly leader: string; // the node that restored the backup; the others cloned it
  readonly nodes: readonly string[];
  readonly etcdMs: number; // fresh namespaces and directories, then a new etcd cluster's quorum
  readonly bootstrapMs: number; // Patroni's bootstrap: the restore and WAL replay until it led
  readonly serviceMs: number; // then until the read-write Service committed a write
  readonly restoredBytes: number;
  readonly timeline?: number;
}

const SERVICE_WITHIN_MS = 120_000;

/**
 * The runbook for a cluster that is gone with its data: every node built again in a fresh
 * namespace with empty directories, a new etcd cluster, then Patroni on one node bootstraps
 * from the repository (pgBackRest restores the backup, PostgreSQL replays the archived WAL and
 * promotes) and the others clone it as replicas. Done once the read-write Service takes a
 * write; the replicas may still be cloning (`wait: redundancy-restored` waits for them).
 * Idempotent: a rebuild cut short is started over.
 * @throws KdrillError STEP_FAILED when the cluster was not lost (its nodes would be replaced)
 * @throws RestoreFailed when the repository cannot give a cluster back, with pgBackRest's words
 */
export async function rebuildFromBackup(cluster: LocalCluster, request: RebuildRequest): Promise<RebuiltCluster> {
  const { state, plan } = cluster;
  if (!state.lost) {
    throw new KdrillError(ErrorCode.STEP_FAILED, `restore into a fresh cluster replaces every node of cluster ${state.clusterId}, which was not lost: inject cluster-loss first, or restore into a scratch instance to leave the cluster as it is`);
  }
  const backup = chooseBackup(await listBackups(state), request.target);
  const targetText = request.target.kind === 'latest' ? 'latest' : request.target.time.toISOString();
  const waitOptions = { log: request.log, ...(request.signal ? { signal: request.signal } : {}) };

  const started = performance.now();
  request.log(`rebuild: ${plan.nodes.length} nodes in fresh namespaces with empty disks, and a new etcd cluster`);
  const postgres = process.getuid?.() === 0 ? await uidGidOf('postgres') : undefined;
  for (const node of plan.nodes) {
    await cluster.destroyNode(node.name); // what a rebuild cut short left behind
    if (plan.mode === 'netns') await createNodeNetwork(plan, node);
    await prepareNodeDirs(state, node, postgres);
  }
  for (const node of plan.nodes) await cluster.startEtcdOf(node.name, 'new');
  await waitEtcdHealthy(plan.nodes, 'a new etcd cluster', { timeoutMs: 60_000, ...waitOptions });
  const etcdMs = performance.now() - started;

  const [leader, ...others] = plan.nodes;
  const binDir = await postgresBinDir();
  const data = path.join(pgDir(state, leader!.name), 'data');
  const command = shellWords(['pgbackrest', `--config=${pgbackrestConfigPath(state.dir)}`, `--stanza=${STANZA}`, ...restoreArgs(data, backup, request.target, 'on')]);
  await writePatroniConfig(state, plan, leader!, binDir, postgres, command);
  for (const node of others) await writePatroniConfig(state, plan, node, binDir, postgres);
  request.log(`rebuild: ${leader!.name} restores ${backup.type} backup ${backup.label} (${mib(backup.databaseBytes)} MiB) ${request.target.kind === 'latest' ? 'to the end of the archived WAL' : `to just before ${targetText}`}`);
  const bootstrapStarted = performance.now();
  const restoreLog = path.join(backupRegionDir(state.dir), 'log', `${STANZA}-restore.log`);
  const evidence = { backup, restoreLog, from: await fileSize(restoreLog) };
  await cluster.startNode(leader!.name);
  const timeline = await waitLeading(cluster, leader!.name, { timeoutMs: request.timeoutMs, ...waitOptions }, evidence);
  const bootstrapMs = performance.now() - bootstrapStarted;
  const restoredBytes = await directoryBytes(data);

  request.log(`rebuild: ${leader!.name} leads on timeline ${timeline ?? '?'} after ${formatDuration(Math.round(bootstrapMs))}; ${others.map((n) => n.name).join(', ')} clone it`);
  for (const node of others) await cluster.startNode(node.name);
  const serviceStarted = performance.now();
  await waitFor(
    'a write through the read-write Service',
    async () => {
      const write = await cluster.writeThroughService();
      return write.ok ? { done: true, value: undefined } : { done: false, why: write.error };
    },
    { timeoutMs: SERVICE_WITHIN_MS, ...waitOptions },
  );
  const serviceMs = performance.now() - serviceStarted;
  delete state.lost;
  await saveState(state);
  request.log(`rebuild: the Service took a write ${formatDuration(Math.round(performance.now() - started))} after the rebuild began`);
  return { backup, target: targetText, leader: leader!.name, nodes: plan.nodes.map((n) => n.name), etcdMs, bootstrapMs, serviceMs, restoredBytes, ...(timeline !== undefined ? { timeline } : {}) };
}

// Until Patroni on `name` holds the leader key with PostgreSQL running and out of recovery.
// Patroni exits when its bootstrap fails, so its death ends the wait with pgBackRest's words.
async function waitLeading(cluster: LocalCluster, name: string, options: { timeoutMs: number; log: (line: string) => void; signal?: AbortSignal }, evidence: RestoreEvidence): Promise<number | undefined> {
  const node = cluster.node(name);
  const patroniLog = path.join(nodeDir(cluster.state, name), 'patroni.log');
  return waitFor(
    `${name} to restore the backup and lead`,
    async () => {
      const record = cluster.state.processes[processKey.patroni(name)];
      if (!record || !(await isRunning(record))) throw await bootstrapFailure(name, patroniLog, evidence);
      const seen = await patroniOf(node);
      if (seen && PRIMARY_ROLES.has(seen.role) && seen.state === 'running') return { done: true, value: seen.timeline };
      return { done: false, why: seen ? `Patroni: ${seen.state} (${seen.role})` : 'Patroni API does not answer yet' };
    },
    { ...options, everyMs: 10_000, intervalMs: 500 },
  );
}

// Where pgBackRest logs this restore: its log file, from the offset it had before.
interface RestoreEvidence {
  readonly backup: BackupRecord;
  readonly restoreLog: string;
  readonly from: number;
}

// Why the bootstrap stopped: pgBackRest's own log of this restore says it best (a damaged
// file is the drill's finding); else Patroni's last words.
async function bootstrapFailure(name: string, patroniLog: string, evidence: RestoreEvidence): Promise<unknown> {
  const written = (await readFile(evidence.restoreLog).catch(() => Buffer.alloc(0))).subarray(evidence.from).toString('utf8');
  const pgbackrestSaid = written.split('\n').filter((line) => /ERROR:/.test(line)).at(-1)?.trim();
  const damaged = pgbackrestSaid ? damagedBackup(pgbackrestSaid, evidence.backup) : undefined;
  if (damaged) return damaged;
  return new RestoreFailed(`Patroni on ${name} gave up bootstrapping from backup ${evidence.backup.label}${pgbackrestSaid ? `; pgBackRest: ${pgbackrestSaid}` : ''}; its log ends: ${await logTail(patroniLog, 5)}`);
}

async function fileSize(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

// Patroni splits its bootstrap command as a POSIX shell would (shlex).
export function shellWords(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`)).join(' ');
}
