import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { listBackups } from '../backup/pgbackrest.js';
import { rebuildFromBackup } from '../restore/fresh-cluster.js';
import { saveState } from '../state.js';
import type { LocalFault } from './types.js';

type Loss = { nodes: string[]; faultId?: string };

const REBUILD_WITHIN_MS = 60 * 60_000;

/**
 * Every node crashes and loses its disks at once: processes killed, etcd and PostgreSQL data
 * gone, namespaces deleted. Only the backup region survives. Refused (before any harm) when the
 * repository holds no backup: the cluster could never come back. Heal rebuilds the cluster from
 * the latest backup unless a restore into a fresh cluster already did.
 */
export const clusterLoss: LocalFault<Loss> = {
  type: 'cluster-loss',
  resolve: (_params, topology) => {
    const nodes = topology.zones.flatMap((z) => z.nodes.map((n) => n.name));
    return { targets: nodes, data: { nodes } };
  },
  arm: (data, faultId) => ({ ...data, faultId }),
  harm: async (cluster, { nodes, faultId }) => {
    if ((await listBackups(cluster.state)).length === 0) {
      throw new KdrillError(ErrorCode.STEP_FAILED, `cluster-loss refused: the repository of cluster ${cluster.state.clusterId} holds no backup, so nothing could rebuild the cluster; take a backup first (action: backup)`);
    }
    cluster.state.lost = { faultId: faultId ?? 'unknown', at: new Date().toISOString() };
    await saveState(cluster.state);
    const problems = (await Promise.all(nodes.map((n) => cluster.destroyNode(n)))).flat();
    if (problems.length) throw new KdrillError(ErrorCode.STEP_FAILED, `cluster-loss: the nodes were not wholly removed: ${problems.join('; ')}`);
  },
  heal: async (cluster) => {
    if (!cluster.state.lost) return;
    await rebuildFromBackup(cluster, { target: { kind: 'latest' }, timeoutMs: REBUILD_WITHIN_MS, log: () => {} });
  },
};
