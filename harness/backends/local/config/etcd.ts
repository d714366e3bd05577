import type { AddressPlan, NodePlan } from '../address-plan.js';

// etcd member of one node. `--enable-v2` serves Patroni's `etcd:` (v2) DCS; etcd3 clients ignore it.
export function etcdArgv(plan: AddressPlan, node: NodePlan, dataDir: string, state: 'new' | 'existing' = 'new', members: readonly NodePlan[] = plan.nodes): string[] {
  const peer = (n: NodePlan) => `http://${n.address}:2380`;
  return [
    'etcd',
    '--name', etcdName(node),
    '--data-dir', dataDir,
    '--listen-peer-urls', peer(node),
    '--initial-advertise-peer-urls', peer(node),
    // Inside a namespace, 127.0.0.1 is the node's own; in loopback mode it would be shared.
    '--listen-client-urls', plan.mode === 'netns' ? `http://${node.address}:2379,http://127.0.0.1:2379` : `http://${node.address}:2379`,
    '--advertise-client-urls', `http://${node.address}:2379`,
    '--initial-cluster', members.map((n) => `${etcdName(n)}=${peer(n)}`).join(','),
    '--initial-cluster-state', state,
    '--initial-cluster-token', `kdrill-${plan.clusterId}`,
    '--enable-v2=true',
    // Fast elections: the nodes share one machine, so the network is quick and steady.
    '--heartbeat-interval', '100',
    '--election-timeout', '1000',
    '--logger', 'zap',
    '--log-outputs', 'stderr',
  ];
}

export const etcdName = (node: NodePlan) => `etcd-${node.name}`;
