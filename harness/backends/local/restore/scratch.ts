import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { asRestoreFailure, chooseBackup, directoryBytes, logTail, mib, restoreArgs, RestoreFailed } from './from-repository.js';
import path from 'node:path';
import { formatDuration } from '../../../model/duration.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { isRunning, signalAll, startTimeOf } from '../../../common/proc.js';
import { withDb, type DbTarget } from '../../../db/target.js';
import { planAddresses, planRestore, type AddressPlan, type RestorePlan } from '../address-plan.js';
import { listBackups, pgbackrest, type BackupRecord } from '../backup/pgbackrest.js';
import { PG_PORT } from '../config/patroni.js';
import { scratchPgHba, scratchPostgresConf } from '../config/scratch-postgres.js';
import { asPostgres, inNetns } from '../exec.js';
import { createRestoreNetwork, destroyRestoreNetwork } from '../network/index.js';
import { processesUnder } from '../processes/find.js';
import { signalProcess, startDetached, waitGone } from '../processes/index.js';
import { postgresBinDir, uidGidOf } from '../processes/pg-tools.js';
import { saveState, type ClusterState, type RestoreRecord } from '../state.js';
import type { RestorePoint } from '../../../journal/restore-point.js';

export interface RestoreRequest {
  // Where recovery stops: the end of the archived WAL, or just before a wall-clock time.
  readonly target: RestorePoint;
  readonly runId: string;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  // Called once the instance is on record, before anything exists: the caller removes it later.
  readonly onCreated?: (name: string, url: string) => void;
}

// A restored, promoted and writable instance, and how long each part took.
export interface ScratchInstance {
  readonly name: string;
  readonly url: string; // no password
  readonly backup: BackupRecord;
  readonly target: string; // "latest" or the ISO time recovery stopped before
  readonly restoreMs: number; // pgBackRest copying the backup set
  readonly recoveryMs: number; // PostgreSQL replaying WAL until it promoted
  readonly writableMs: number; // then the first committed write
  readonly restoredBytes: number;
  readonly restoreMiBps: number;
  readonly timeline: number;
}

const restoreDir = (state: Pick<ClusterState, 'dir'>, name: string) => path.join(state.dir, 'restores', name);
const processKeyOf = (name: string) => `restore:${name}`;
const planOf = (state: ClusterState): AddressPlan => planAddresses(state.clusterId, state.slot, state.topology, state.mode ?? 'netns');

export function scratchTarget(state: ClusterState, name: string): DbTarget {
  const record = state.restores?.[name];
  if (!record) throw new KdrillError(ErrorCode.INTERNAL, `cluster ${state.clusterId} has no restore ${name}`);
  return { host: planRestore(planOf(state), record.index).address, port: PG_PORT, user: 'postgres', password: state.credentials.superuser, database: 'postgres' };
}

/**
 * Restores a backup of the cluster's repository into a fresh instance in its own namespace,
 * never touching the running cluster, and waits until it has promoted and taken a write.
 * Recorded in the state file before anything is created, so cleanup finds it after a crash.
 * @throws RestoreFailed when the repository cannot give a usable instance (no backup for the
 * target, a damaged file, recovery that stops short), with pgBackRest's or PostgreSQL's words.
 */
export async function restoreIntoScratch(state: ClusterState, request: RestoreRequest): Promise<ScratchInstance> {
  const plan = planOf(state);
  const backups = await listBackups(state);
  const backup = chooseBackup(backups, request.target);
  const index = Math.max(0, ...Object.values(state.restores ?? {}).map((r) => r.index)) + 1;
  const restore = planRestore(plan, index);
  const record: RestoreRecord = { name: restore.name, index, createdAt: new Date().toISOString(), owner: { runId: request.runId, pid: process.pid, startTime: await startTimeOf(process.pid) } };
  state.restores = { ...state.restores, [restore.name]: record };
  await saveState(state);
  request.onCreated?.(restore.name, `postgresql://postgres@${restore.address}:${PG_PORT}/postgres`);

  const dir = restoreDir(state, restore.name);
  const data = path.join(dir, 'data');
  const postgres = process.getuid?.() === 0 ? await uidGidOf('postgres') : undefined;
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o755 }); // traversable by postgres
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (postgres) await chown(dir, postgres.uid, postgres.gid);
  if (plan.mode === 'netns') await createRestoreNetwork(plan, restore);

  const targetText = request.target.kind === 'latest' ? 'latest' : request.target.time.toISOString();
  request.log(`${restore.name}: restoring ${backup.type} backup ${backup.label} (${mib(backup.databaseBytes)} MiB) ${request.target.kind === 'latest' ? 'to the end of the archived WAL' : `to just before ${targetText}`}`);
  const restoreStarted = performance.now();
  try {
    await pgbackrest(state, restoreArgs(data, backup, request.target), request.timeoutMs);
  } catch (error) {
    throw asRestoreFailure(error, backup);
  }
  const restoreMs = performance.now() - restoreStarted;
  const restoredBytes = await directoryBytes(data);
  await writeFile(path.join(data, 'postgresql.conf'), scratchPostgresConf({ address: restore.address, port: PG_PORT, socketDir: dir }));
  await writeFile(path.join(data, 'pg_hba.conf'), scratchPgHba(plan.mode === 'netns' ? '198.18.0.0/15' : '127.0.0.0/8'));
  await rm(path.join(data, 'standby.signal'), { force: true });
  if (postgres) for (const file of ['postgresql.conf', 'pg_hba.conf']) await chown(path.join(data, file), postgres.uid, postgres.gid);

  const binDir = await postgresBinDir();
  const argv = asPostgres([path.join(binDir, 'postgres'), '-D', data]);
  const log = path.join(dir, 'postgres.log');
  const recoveryStarted = performance.now();
  state.processes[processKeyOf(restore.name)] = await startDetached(`postgres ${restore.name}`, plan.mode === 'netns' ? inNetns(restore.netns, argv) : argv, log, dir);
  await saveState(state);
  const target = scratchTarget(state, restore.name);
  const timeline = await waitPromoted(state, restore, target, log, request, recoveryStarted);
  const recoveryMs = performance.now() - recoveryStarted;
  const writeStarted = performance.now();
  await firstWrite(target, restore, log);
  const writableMs = performance.now() - writeStarted;
  request.log(`${restore.name}: restored ${mib(restoredBytes)} MiB in ${formatDuration(Math.round(restoreMs))}, recovered in ${formatDuration(Math.round(recoveryMs))}, writable on timeline ${timeline}`);
  return {
    name: restore.name,
    url: `postgresql://postgres@${restore.address}:${PG_PORT}/postgres`,
    backup,
    target: targetText,
    restoreMs,
    recoveryMs,
    writableMs,
    restoredBytes,
    restoreMiBps: restoredBytes / 1024 / 1024 / Math.max(restoreMs / 1000, 1e-3),
    timeline,
  };
}

// Until PostgreSQL has left recovery; fails with its own last words if it stops or stalls.
async function waitPromoted(state: ClusterState, restore: RestorePlan, target: DbTarget, log: string, request: RestoreRequest, started: number): Promise<number> {
  const deadline = started + request.timeoutMs;
  const processRecord = state.processes[processKeyOf(restore.name)]!;
  let reported = started;
  let last = 'not accepting connections yet';
  for (;;) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (!(await isRunning(processRecord))) {
      throw new RestoreFailed(`PostgreSQL stopped during recovery of ${restore.name}: ${await logTail(log)}`);
    }
    try {
      const row = await withDb(target, 2_000, async (c) => (await c.query<{ recovering: boolean; replayed: string | null; timeline: number }>('select pg_is_in_recovery() as recovering, pg_last_wal_replay_lsn()::text as replayed, (select timeline_id from pg_control_checkpoint()) as timeline')).rows[0]!);
      if (!row.recovering) return row.timeline;
      last = `replayed WAL up to ${row.replayed ?? 'the start'}`;
    } catch (error) {
      last = (error as Error).message;
    }
    const now = performance.now();
    if (now > deadline) throw new RestoreFailed(`${restore.name} had not finished recovery after ${formatDuration(request.timeoutMs)}: ${last}; its log ends: ${await logTail(log)}`);
    if (now - reported >= 10_000) {
      reported = now;
      request.log(`${restore.name}: recovering for ${formatDuration(Math.round(now - started))} (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function firstWrite(target: DbTarget, restore: RestorePlan, log: string): Promise<void> {
  try {
    await withDb(target, 10_000, async (c) => {
      await c.query('create table if not exists kdrill_restore_check (at timestamptz not null default clock_timestamp())');
      await c.query('insert into kdrill_restore_check default values');
    });
  } catch (error) {
    throw new RestoreFailed(`${restore.name} left recovery but does not accept writes: ${(error as Error).message}; its log ends: ${await logTail(log)}`);
  }
}

/**
 * Stops and removes one restored instance: process, namespace, link, route, data. Each part
 * already gone counts as removed. Returns problems; the instance stays on record until none
 * is left, so a later `kdrill cleanup` or `cluster down` tries again.
 */
export async function removeScratch(state: ClusterState, name: string): Promise<string[]> {
  const record = state.restores?.[name];
  if (!record) return [];
  const problems: string[] = [];
  const dir = restoreDir(state, name);
  const proc = state.processes[processKeyOf(name)];
  // Immediate shutdown: the data is about to go, and SIGQUIT takes the backends down too.
  try {
    if (proc && (await signalProcess(proc, 'SIGQUIT')) && !(await waitGone(proc, 5_000))) await signalProcess(proc, 'SIGKILL');
  } catch (error) {
    problems.push(`process ${proc!.role} (pid ${proc!.pid}): ${(error as Error).message}`);
  }
  signalAll((await processesUnder(dir)).map((p) => p.pid), 'SIGKILL');
  const plan = planOf(state);
  if (plan.mode === 'netns') problems.push(...(await destroyRestoreNetwork(plan, planRestore(plan, record.index))));
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }).catch((error: unknown) => problems.push(`${dir}: ${(error as Error).message}`));
  if (problems.length) return problems;
  const { [name]: _removed, ...rest } = state.restores ?? {};
  state.restores = rest;
  delete state.processes[processKeyOf(name)];
  await saveState(state);
  return problems;
}

// Restores whose owning run has ended: what `kdrill cleanup` removes from a standing cluster.
export async function orphanedRestores(state: ClusterState): Promise<string[]> {
  const out: string[] = [];
  for (const record of Object.values(state.restores ?? {})) {
    const alive = (await startTimeOf(record.owner.pid).catch(() => undefined)) === record.owner.startTime;
    if (!alive) out.push(record.name);
  }
  return out;
}
