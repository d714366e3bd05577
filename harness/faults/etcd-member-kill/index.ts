import type { FaultDefinition } from '../types.js';
import { EtcdMemberKillParams } from './schema.js';

export const etcdMemberKill: FaultDefinition<typeof EtcdMemberKillParams> = {
  type: 'etcd-member-kill',
  summary: 'The etcd member on one node killed (SIGKILL) while the rest of the node keeps running; revert restarts it.',
  category: 'control-plane',
  needsNetwork: false,
  params: EtcdMemberKillParams,
  describe: (p) => `kill the etcd member on node ${p.node}`,
};
