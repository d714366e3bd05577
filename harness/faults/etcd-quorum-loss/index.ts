import type { FaultDefinition } from '../types.js';
import { EtcdQuorumLossParams } from './schema.js';

export const etcdQuorumLoss: FaultDefinition<typeof EtcdQuorumLossParams> = {
  type: 'etcd-quorum-loss',
  summary: 'Enough etcd members killed that the rest lose quorum; revert restarts them.',
  category: 'control-plane',
  needsNetwork: false,
  params: EtcdQuorumLossParams,
  describe: (p) => `kill ${p.members === undefined ? 'a majority of the' : p.members} etcd members so etcd loses quorum`,
};
