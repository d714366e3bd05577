// A local cluster for a benchmark, removed afterwards whatever happens (error or Ctrl-C).
import { destroyCluster } from '../../harness/backends/local/cluster/down.js';
import { LocalCluster } from '../../harness/backends/local/cluster/handle.js';
import { createCluster } from '../../harness/backends/local/cluster/up.js';
import { PATRONI_PROFILES } from '../../harness/backends/local/config/patroni.js';
import { loadTopologyFile } from '../../harness/backends/local/topology-file.js';
import { ensureDatabase, type DbTarget } from '../../harness/db/target.js';
import { PACKAGE_ROOT } from '../../harness/scenario/package-root.js';

export async function withBenchCluster<T>(options: { profile: 'fast' | 'default'; synchronous?: boolean }, use: (cluster: LocalCluster, target: DbTarget) => Promise<T>): Promise<T> {
  const topologyFile = `${PACKAGE_ROOT}/fixtures/topologies/three-zones.yaml`;
  const up = await createCluster({ topology: await loadTopologyFile(topologyFile), topologyFile, dcs: 'etcd', timing: PATRONI_PROFILES[options.profile], synchronous: options.synchronous ?? false });
  const remove = async () => {
    await destroyCluster(up.state);
  };
  const onSignal = () => {
    console.error('\ninterrupted: removing the cluster');
    void remove().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const cluster = new LocalCluster(up.state);
    const endpoint = cluster.serviceTarget();
    return await use(cluster, await ensureDatabase(endpoint, 'kdrill'));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await remove();
  }
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const cpus = async (): Promise<number> => (await import('node:os')).availableParallelism();
