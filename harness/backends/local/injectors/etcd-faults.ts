import type { LocalFault } from './types.js';
import { nodeNames, selectNode } from './select.js';

type Nodes = { nodes: string[] };

export const etcdMemberKill: LocalFault<Nodes> = {
  type: 'etcd-member-kill',
  resolve: (params, topology) => {
    const node = selectNode(topology, params['node']).name;
    return { targets: [node], data: { nodes: [node] } };
  },
  harm: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.killEtcdOf(n);
  },
  heal: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.startEtcdOf(n);
  },
};

// A majority of etcd members killed (by default), starting with the primary's node.
export const etcdQuorumLoss: LocalFault<Nodes> = {
  type: 'etcd-quorum-loss',
  resolve: (params, topology) => {
    const names = nodeNames(topology);
    const count = typeof params['members'] === 'number' ? Math.min(params['members'], names.length) : Math.floor(names.length / 2) + 1;
    const primary = selectNode(topology, 'primary').name;
    const ordered = [primary, ...names.filter((n) => n !== primary)];
    const nodes = ordered.slice(0, count);
    return { targets: nodes, data: { nodes } };
  },
  harm: etcdMemberKill.harm,
  heal: etcdMemberKill.heal,
};

// The member's data directory destroyed; heal rejoins it to the cluster as a new member.
export const etcdDataLoss: LocalFault<Nodes> = {
  type: 'etcd-data-loss',
  resolve: etcdMemberKill.resolve,
  harm: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.destroyEtcdData(n);
  },
  heal: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.rejoinEtcdMember(n);
  },
};
