import type { FaultDefinition } from '../types.js';
import { NetworkLossParams } from './schema.js';

export const networkLoss: FaultDefinition<typeof NetworkLossParams> = {
  type: 'network-loss',
  summary: 'A share of the packets of some pods dropped (Chaos Mesh NetworkChaos loss); revert stops the loss.',
  category: 'network',
  needsNetwork: true,
  params: NetworkLossParams,
  describe: (p) => {
    const scope = p.zone !== undefined ? `pods in zone ${p.zone}` : p.pod !== undefined ? `pod ${p.pod}` : 'every pod of the workload';
    return `drop ${p.loss}% of the packets of ${scope}`;
  },
};
