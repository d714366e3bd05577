import { ErrorCode, KdrillError } from '../../common/errors.js';
import { backupMadeBy, backupsOfStanza, BACKUP_TYPES, type BackupRecord, type BackupType } from '../../backup/pgbackrest-info.js';
import type { BackupInventory } from '../types.js';
import type { KubeClient } from './client/kube-client.js';
import { requireSuccess } from './client/exec.js';
import type { ClusterView, WorkloadRef } from './cluster-view.js';

export const BACKUP_TIMEOUT_MS = 30 * 60_000;

export interface PgBackRestTarget {
  readonly workload: WorkloadRef;
  readonly stanza: string;
  readonly container: string;
}

function leaderOf(view: ClusterView): string {
  const leader = view.pods.find((p) => p.role === 'primary' && p.ready)?.name;
  if (!leader) throw new KdrillError(ErrorCode.STEP_FAILED, `no Ready leader to back up from (${view.pods.map((p) => `${p.name}=${p.role}`).join(', ') || 'no pods'})`);
  return leader;
}

// One pgBackRest command in a pod (its configuration comes from the pod's environment).
async function pgbackrest(client: KubeClient, t: PgBackRestTarget, pod: string, args: readonly string[], timeoutMs: number): Promise<string> {
  const command = ['pgbackrest', `--stanza=${t.stanza}`, ...args];
  return requireSuccess(`${command.join(' ')} in ${pod}`, await client.exec(t.workload.namespace, pod, t.container, command, timeoutMs));
}

export async function listPodBackups(client: KubeClient, t: PgBackRestTarget, pod: string): Promise<BackupRecord[]> {
  return backupsOfStanza(await pgbackrest(client, t, pod, ['--output=json', 'info'], 60_000), t.stanza);
}

// A backup taken in the leader's pod, where pgBackRest reads the data directory directly.
// The stanza is created first when missing (stanza-create is idempotent).
export async function takePodBackup(client: KubeClient, t: PgBackRestTarget, view: ClusterView, type: BackupType): Promise<Record<string, unknown>> {
  if (!(BACKUP_TYPES as readonly string[]).includes(type)) throw new KdrillError(ErrorCode.STEP_FAILED, `unknown backup type ${type}`);
  const pod = leaderOf(view);
  await pgbackrest(client, t, pod, ['stanza-create'], 120_000);
  let durationMs = 0;
  const made = await backupMadeBy(
    () => listPodBackups(client, t, pod),
    async () => {
      const began = performance.now();
      await pgbackrest(client, t, pod, [`--type=${type}`, 'backup'], BACKUP_TIMEOUT_MS);
      durationMs = performance.now() - began;
    },
    type,
    ` in ${pod}`,
  );
  return { ...made, pod, durationMs, throughputMiBps: made.backupBytes / 1024 / 1024 / (durationMs / 1000) };
}

// What the repository holds, and where the copies of the data are: each member's zone and
// the repository (kind: the host directory every node mounts).
export async function podBackupInventory(client: KubeClient, t: PgBackRestTarget, view: ClusterView, repositoryRegion: string): Promise<BackupInventory> {
  const pod = leaderOf(view);
  const backups = await listPodBackups(client, t, pod);
  const zoneOf = (node: string | undefined) => view.nodes.find((n) => n.name === node)?.zone ?? 'unknown';
  return {
    repository: { region: repositoryRegion, retentionPolicy: 'repo1-retention-full=2 (by count)' },
    backups: backups.map((b) => ({ label: b.label, type: b.type, startedAt: b.startedAt, stoppedAt: b.stoppedAt })),
    locations: [...view.pods.map((p) => ({ what: `member ${p.name}`, region: zoneOf(p.node) })), { what: 'pgBackRest repository', region: repositoryRegion }],
  };
}

