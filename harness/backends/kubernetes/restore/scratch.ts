import { setTimeout as sleep } from 'node:timers/promises';
import type { RestorePoint } from '../../../journal/restore-point.js';
import { asRestoreFailure, chooseBackup, mib, restoreArgs, RestoreFailed } from '../../../backup/pgbackrest-restore.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { formatDuration } from '../../../model/duration.js';
import { listPodBackups, type PgBackRestTarget } from '../backup.js';
import type { KubeClient } from '../client/kube-client.js';
import { observe } from '../client/observe.js';
import type { KubeObject } from '../client/types.js';
import type { ClusterView } from '../cluster-view.js';
import { objectName, runLabels, runHash } from '../objects/labels.js';
import { freeNodePort, type NodePortRange } from './node-port.js';
import { RESTORE_LABEL, scratchLayout, scratchPod, scratchService } from './scratch-pod.js';
import { conditionTrue } from '../client/conditions.js';

export interface PodRestoreRequest {
  readonly point: RestorePoint;
  readonly runId: string;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  // Where the host reaches the restored instance. On kind, through a NodePort of `nodePorts`:
  // the first no Service holds, reached at `port` plus its offset in the range.
  readonly access: { readonly host: string; readonly port: number; readonly nodePorts?: NodePortRange };
  readonly user: string;
  // Called before anything is created: the caller removes the instance later.
  readonly onCreated: (name: string, url: string) => void;
}

async function psql(client: KubeClient, t: PgBackRestTarget, pod: string, sql: string): Promise<{ ok: boolean; out: string }> {
  const result = await client.exec(t.workload.namespace, pod, t.container, ['psql', '-h', '/tmp', '-U', 'postgres', '-d', 'postgres', '-Atc', sql], 30_000);
  return { ok: result.exitCode === 0, out: result.stdout.trim() };
}

// Restores a backup of the StatefulSet's repository into a scratch pod beside it (never over
// the running pods), and waits until PostgreSQL there has replayed the archive, promoted and
// committed a write. Timings: restore (pod created until PostgreSQL accepts connections:
// pgBackRest copying the backup, then the start), recovery (until it promoted), writable.
export async function restoreIntoPod(
  client: KubeClient,
  t: PgBackRestTarget,
  statefulSet: KubeObject,
  view: ClusterView,
  request: PodRestoreRequest,
): Promise<Record<string, unknown>> {
  const leader = view.pods.find((p) => p.role === 'primary' && p.ready)?.name ?? view.pods.find((p) => p.ready)?.name;
  if (!leader) throw new KdrillError(ErrorCode.STEP_FAILED, 'no Ready pod to read the backup repository from');
  const backup = chooseBackup(await listPodBackups(client, t, leader), request.point);
  const { template, claimNames, dataDir } = scratchLayout(statefulSet, t.container);
  const existing = (await client.list({ apiVersion: 'v1', kind: 'Pod', namespace: t.workload.namespace, labelSelector: `${RESTORE_LABEL}` })).items.length;
  const name = objectName('kdrill-restore', runHash(request.runId), String(existing + 1));
  const labels = { ...runLabels(request.runId), [RESTORE_LABEL]: name };
  const { nodePorts } = request.access;
  const reach = nodePorts ? await freeNodePort(client, nodePorts, request.access) : { port: request.access.port };
  const url = `postgresql://${encodeURIComponent(request.user)}@${request.access.host}:${reach.port}/postgres`;
  request.onCreated(name, url);

  const targetText = request.point.kind === 'latest' ? 'latest' : request.point.time.toISOString();
  request.log(`${name}: restoring ${backup.type} backup ${backup.label} (${mib(backup.databaseBytes)} MiB) ${request.point.kind === 'latest' ? 'to the end of the archived WAL' : `to just before ${targetText}`}`);
  const began = performance.now();
  await client.create(scratchService({ name, namespace: t.workload.namespace, labels, ...('nodePort' in reach ? { nodePort: reach.nodePort } : {}) }) as KubeObject);
  await client.create(
    scratchPod({ name, namespace: t.workload.namespace, labels, template, claimNames, container: t.container, stanza: t.stanza, restoreArgs: restoreArgs(dataDir, backup, request.point), dataDir }) as KubeObject,
  );

  // Ready (PostgreSQL accepts connections), or ended (pgBackRest or PostgreSQL failed).
  const outcome = await observe(
    client,
    { apiVersion: 'v1', kind: 'Pod', namespace: t.workload.namespace, fieldSelector: `metadata.name=${name}` },
    (pods) => {
      const pod = pods[0];
      const phase = (pod?.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') return 'ended';
      return pod && conditionTrue(pod, 'Ready') ? 'ready' : undefined;
    },
    { timeoutMs: request.timeoutMs, what: `the restore pod ${name} to accept connections`, ...(request.signal ? { signal: request.signal } : {}) },
  );
  if (outcome === 'ended') {
    const log = (await client.podLog(t.workload.namespace, name, t.container, 5).catch(() => '')).trim().split('\n').join(' | ') || '(no log)';
    throw asRestoreFailure(new RestoreFailed(`the restore of ${backup.label} in pod ${name} ended: ${log}`), backup);
  }
  const restoreMs = performance.now() - began;

  const deadline = performance.now() + request.timeoutMs;
  for (;;) {
    const state = await psql(client, t, name, 'select pg_is_in_recovery()');
    if (state.ok && state.out === 'f') break;
    if (performance.now() > deadline) throw new RestoreFailed(`${name} had not promoted ${formatDuration(request.timeoutMs)} after the restore began (pg_is_in_recovery: ${state.out || 'no answer'})`);
    await sleep(500, undefined, request.signal ? { signal: request.signal } : undefined);
  }
  const recoveryMs = performance.now() - began - restoreMs;
  const write = await psql(client, t, name, 'create table if not exists kdrill_restore_probe (at timestamptz); insert into kdrill_restore_probe values (now())');
  if (!write.ok) throw new RestoreFailed(`${name} promoted but refused a write`);
  const writableMs = performance.now() - began - restoreMs - recoveryMs;
  const timeline = Number((await psql(client, t, name, 'select timeline_id from pg_control_checkpoint()')).out);
  const bytes = Number((await client.exec(t.workload.namespace, name, t.container, ['du', '-sb', dataDir], 60_000)).stdout.split('\t')[0]);
  request.log(`${name}: writable after ${formatDuration(restoreMs + recoveryMs + writableMs)} on timeline ${timeline}`);
  return {
    into: 'scratch-instance',
    name,
    url,
    backup,
    target: targetText,
    restoreMs,
    recoveryMs,
    writableMs,
    restoredBytes: bytes,
    restoreMiBps: bytes / 1024 / 1024 / (restoreMs / 1000),
    timeline,
  };
}

// Removes a scratch instance: its pod and its Service. Absent ones are fine.
export async function removeRestorePod(client: KubeClient, namespace: string, name: string): Promise<void> {
  await client.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name }, { gracePeriodSeconds: 0 });
  await client.delete({ apiVersion: 'v1', kind: 'Service', namespace, name });
}
