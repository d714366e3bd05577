import path from 'node:path';
import type { AddressPlan } from '../address-plan.js';
import { pgbackrestGlobalSection } from '../../../backup/pgbackrest-config.js';

export const STANZA = 'kdrill';

// The "backup region": a pgBackRest repository outside every node's directory, shared by the
// whole cluster. (A filesystem repository: an isolated node can still reach it; issue 5's
// restore drills read from here.)
export function backupRegionDir(clusterDir: string): string {
  return path.join(clusterDir, 'backup-region');
}

export function pgbackrestConfigPath(clusterDir: string): string {
  return path.join(backupRegionDir(clusterDir), 'pgbackrest.conf');
}

// One stanza over every node: pgBackRest finds the primary among pg1…pgN itself.
export function pgbackrestConfig(plan: AddressPlan, clusterDir: string, pgDirOf: (node: string) => string): string {
  const region = backupRegionDir(clusterDir);
  const lines = [
    ...pgbackrestGlobalSection({ repo: path.join(region, 'repo'), log: path.join(region, 'log'), lock: path.join(region, 'lock'), spool: path.join(region, 'spool') }),
    '',
    `[${STANZA}]`,
  ];
  plan.nodes.forEach((node, i) => {
    lines.push(`pg${i + 1}-path=${path.join(pgDirOf(node.name), 'data')}`);
    lines.push(`pg${i + 1}-socket-path=${pgDirOf(node.name)}`);
    lines.push(`pg${i + 1}-port=5432`);
    lines.push(`pg${i + 1}-user=postgres`);
  });
  return `${lines.join('\n')}\n`;
}

// One node's archive_command: every WAL segment pushed to the backup region. archive-push
// reads %p relative to pg1-path, so each node names its own data directory.
export function archiveCommand(clusterDir: string, dataDir: string): string {
  return `pgbackrest --config=${pgbackrestConfigPath(clusterDir)} --stanza=${STANZA} --pg1-path=${dataDir} archive-push %p`;
}
