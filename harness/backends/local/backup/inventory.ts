import type { BackupInventory } from '../../types.js';
import type { LocalCluster } from '../cluster/handle.js';
import { withDb } from '../../../db/target.js';
import { listEtcdSnapshots } from '../etcd/snapshot.js';
import { listBackups } from './pgbackrest.js';

// The local backend's repository sits in one place outside every zone: its "backup region".
export const LOCAL_BACKUP_REGION = 'backup-region';
// What pgbackrest.conf sets (config/pgbackrest.ts): expiry by count of full backups.
const RETENTION_POLICY = 'repo1-retention-full=2 (the two newest full backups and what builds on them)';

export async function localBackupInventory(cluster: LocalCluster, restored: readonly { name: string }[]): Promise<BackupInventory> {
  const backups = await listBackups(cluster.state);
  const lastArchivedAt = await withDb(cluster.serviceTarget(), 5_000, async (c) => (await c.query<{ at: Date | null }>('select last_archived_time as at from pg_stat_archiver')).rows[0]?.at ?? undefined).catch(() => undefined);
  const snapshots = await listEtcdSnapshots(cluster.state);
  return {
    repository: { region: LOCAL_BACKUP_REGION, retentionPolicy: RETENTION_POLICY },
    backups: backups.map((b) => ({ label: b.label, type: b.type, startedAt: b.startedAt, stoppedAt: b.stoppedAt })),
    ...(lastArchivedAt ? { lastArchivedAt: lastArchivedAt.toISOString() } : {}),
    locations: [
      ...cluster.plan.nodes.map((n) => ({ what: `database member ${n.name}`, region: n.zone })),
      { what: 'the backup repository (pgBackRest)', region: LOCAL_BACKUP_REGION },
      ...(snapshots.length ? [{ what: 'etcd snapshots', region: LOCAL_BACKUP_REGION }] : []),
      // Restored instances hang off the router like a node of no zone: the backup region's copy.
      ...restored.map((r) => ({ what: `restored instance ${r.name}`, region: LOCAL_BACKUP_REGION })),
    ],
  };
}
