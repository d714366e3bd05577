import type { LocalFault } from './types.js';
import { nodesOfZone, selectNode, selectZone } from './select.js';

type Nodes = { nodes: string[] };

// Every process of each node killed at once; heal restarts etcd and Patroni.
const crash = (type: LocalFault['type'], pick: LocalFault<Nodes>['resolve']): LocalFault<Nodes> => ({
  type,
  resolve: pick,
  harm: async (cluster, { nodes }) => {
    await Promise.all(nodes.map((n) => cluster.crashNode(n)));
  },
  heal: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.startNode(n);
  },
});

const oneNode = (params: Record<string, unknown>, topology: Parameters<LocalFault['resolve']>[1]) => {
  const node = selectNode(topology, params['node']).name;
  return { targets: [node], data: { nodes: [node] } };
};

export const nodeCrash = crash('node-crash', oneNode);

export const primaryCrash = crash('primary-crash', (_params, topology) => oneNode({ node: 'primary' }, topology));

export const zoneOutage = crash('zone-outage', (params, topology) => {
  const zone = selectZone(topology, params['zone']);
  const nodes = nodesOfZone(topology, zone);
  return { targets: nodes, data: { nodes } };
});

// SIGSTOP of every process of the node: a gray failure, up but silent. Heal sends SIGCONT.
export const nodeFreeze: LocalFault<Nodes> = {
  type: 'node-freeze',
  resolve: oneNode,
  harm: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.freezeNode(n);
  },
  heal: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.thawNode(n);
  },
};

// The node's only link set down: it can reach nothing and nothing can reach it.
export const nodeIsolation: LocalFault<Nodes> = {
  type: 'node-isolation',
  resolve: oneNode,
  harm: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.linkDown(n);
  },
  heal: async (cluster, { nodes }) => {
    for (const n of nodes) await cluster.linkUp(n);
  },
};

// The postmaster and its children killed; Patroni restarts PostgreSQL, so heal has nothing to do.
export const postgresKill: LocalFault<Nodes & { signal: 'SIGKILL' | 'SIGTERM' }> = {
  type: 'postgres-kill',
  resolve: (params, topology) => {
    const { targets, data } = oneNode(params, topology);
    return { targets, data: { ...data, signal: params['signal'] === 'SIGTERM' ? 'SIGTERM' : 'SIGKILL' } };
  },
  harm: async (cluster, { nodes, signal }) => {
    for (const n of nodes) await cluster.killPostgresOf(n, signal);
  },
  heal: async () => {},
};
