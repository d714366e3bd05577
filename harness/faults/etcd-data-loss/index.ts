import type { FaultDefinition } from '../types.js';
import { EtcdDataLossParams } from './schema.js';

export const etcdDataLoss: FaultDefinition<typeof EtcdDataLossParams> = {
  type: 'etcd-data-loss',
  summary: 'The etcd member on one node killed and its data directory destroyed; revert rejoins it as a new member.',
  category: 'control-plane',
  needsNetwork: false,
  params: EtcdDataLossParams,
  describe: (p) => `kill the etcd member on node ${p.node} and destroy its data`,
};
