import type { FaultDefinition } from '../types.js';
import { NodeDrainParams } from './schema.js';

export const nodeDrain: FaultDefinition<typeof NodeDrainParams> = {
  type: 'node-drain',
  summary: 'One Kubernetes node cordoned and drained, as in planned maintenance; revert uncordons it.',
  category: 'node',
  needsNetwork: false,
  params: NodeDrainParams,
  describe: (p) => `cordon and drain node ${p.node}`,
};
