import { formatDuration } from '../../model/duration.js';
import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';

// Ages are shown to the second: the milliseconds since a backup are noise.
const age = (ms: number) => formatDuration(Math.round(ms / 1000) * 1000);

/**
 * Backups kept as the tier says: nothing older than the retention period (expiry works), and
 * enough recent history to meet the RPO (the newest point a restore can reach, the last
 * archived WAL or else the newest backup, is no older than the RPO). The repository's own
 * expiry policy is reported beside the verdict.
 */
export const retention: Verifier = {
  name: 'retention',
  async verify(ctx: VerifyContext): Promise<Evidence> {
    const inventory = ctx.inventory;
    if (!inventory) return evidence('unknown', 'the backend lists no backups to judge');
    const now = Date.now();
    const backups = inventory.backups;
    const policy = inventory.repository.retentionPolicy;
    if (backups.length === 0) return evidence('fail', `the repository holds no backup: nothing can be restored (policy: ${policy})`, { policy });
    const problems: string[] = [];
    const oldest = backups[0]!;
    const oldestAge = now - Date.parse(oldest.startedAt);
    const retentionMs = ctx.targets?.retentionMs;
    if (retentionMs !== undefined && oldestAge > retentionMs) problems.push(`backup ${oldest.label} is ${age(oldestAge)} old, beyond the retention of ${formatDuration(retentionMs)}: expiry is not removing it`);
    const newestBackupAt = Math.max(...backups.map((b) => Date.parse(b.stoppedAt)));
    const reachable = Math.max(newestBackupAt, inventory.lastArchivedAt ? Date.parse(inventory.lastArchivedAt) : 0);
    const behind = Math.max(0, now - reachable);
    const rpoMs = ctx.targets?.rpoMs;
    // A tier whose RPO is 0 relies on replication, not backups, for its losses: backups need
    // only be recent to the archive timeout, which this check cannot know; it reports them.
    if (rpoMs !== undefined && rpoMs > 0 && behind > rpoMs) problems.push(`the newest point a restore can reach is ${age(behind)} old, more than the RPO of ${formatDuration(rpoMs)}`);
    const details = {
      backups: backups.length,
      oldest: { label: oldest.label, startedAt: oldest.startedAt, ageMs: oldestAge },
      newestBackupStoppedAt: new Date(newestBackupAt).toISOString(),
      lastArchivedAt: inventory.lastArchivedAt ?? null,
      newestReachableAgeMs: behind,
      retentionMs: retentionMs ?? null,
      rpoMs: rpoMs ?? null,
      policy,
    };
    const facts = `${backups.length} backup${backups.length === 1 ? '' : 's'}, the oldest ${age(oldestAge)} old; a restore can reach ${age(behind)} ago; repository policy ${policy}`;
    if (problems.length) return evidence('fail', `${problems.join('; ')} (${facts})`, details);
    return evidence('pass', `${facts}${retentionMs !== undefined ? `; within the retention of ${formatDuration(retentionMs)}` : ''}${rpoMs ? ` and the RPO of ${formatDuration(rpoMs)}` : ''}`, details);
  },
};
