import type { KubeClient } from './client/kube-client.js';
import type { ClusterView, WorkloadRef } from './cluster-view.js';

// Patroni's synchronous modes that make a commit wait for a standby (`quorum` from Patroni 4).
const SYNCHRONOUS = new Set(['true', 'on', 'quorum']);

// tier0 promises that no acknowledged write is lost; a cluster that replicates asynchronously
// cannot keep that promise through a failover, so the drill would miss its RPO some of the
// time for a reason that is the cluster's settings, not the fault. kdrill does not own the
// cluster, so it says so before the drill rather than changing it. Patroni's GET /config
// answers the dynamic configuration (synchronous_mode among it) from any member.
export async function asynchronousTier0Warning(client: KubeClient, workload: WorkloadRef, view: ClusterView, tier: string | undefined): Promise<string | undefined> {
  if (tier !== 'tier0') return undefined;
  const pod = view.pods.find((p) => p.role === 'primary') ?? view.pods.find((p) => p.role !== 'down');
  const where = `${workload.namespace}/${workload.statefulSet}`;
  if (!pod) return `tier0: no member of ${where} is up to say whether replication is synchronous; an asynchronous cluster can lose acknowledged writes in a failover`;
  let mode: string;
  try {
    const config = JSON.parse(await client.proxyRequest('GET', workload.namespace, pod.name, workload.patroniPort, '/config')) as { synchronous_mode?: unknown };
    mode = String(config.synchronous_mode ?? false).toLowerCase();
  } catch (error) {
    return `tier0: could not read Patroni's replication mode from ${workload.namespace}/${pod.name} (${(error as Error).message.split('\n')[0]}); an asynchronous cluster can lose acknowledged writes in a failover`;
  }
  if (SYNCHRONOUS.has(mode)) return undefined;
  return `tier0 asks that no acknowledged write be lost, but Patroni in ${where} replicates asynchronously (synchronous_mode: ${mode}): a failover can lose acknowledged writes and miss the RPO target; on kind, \`kdrill cluster up --backend kind --synchronous\` deploys it synchronous`;
}
