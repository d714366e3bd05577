import type { FaultDefinition } from '../types.js';
import { ClusterLossParams } from './schema.js';

export const clusterLoss: FaultDefinition<typeof ClusterLossParams> = {
  type: 'cluster-loss',
  summary: 'Every node crashed and its data destroyed; only backups survive, so recovery is a restore action.',
  category: 'data',
  needsNetwork: false,
  params: ClusterLossParams,
  describe: () => 'crash every node and destroy all cluster data (backups are kept)',
};
