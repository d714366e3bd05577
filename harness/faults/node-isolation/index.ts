import type { FaultDefinition } from '../types.js';
import { NodeIsolationParams } from './schema.js';

export const nodeIsolation: FaultDefinition<typeof NodeIsolationParams> = {
  type: 'node-isolation',
  summary: 'One node cut off from the network (links down) while its processes keep running; revert brings the links up.',
  category: 'network',
  needsNetwork: true,
  params: NodeIsolationParams,
  describe: (p) => `isolate node ${p.node} from the network`,
};
