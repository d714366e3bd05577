import type { FaultDefinition } from '../types.js';
import { NodeFreezeParams } from './schema.js';

export const nodeFreeze: FaultDefinition<typeof NodeFreezeParams> = {
  type: 'node-freeze',
  summary: 'Every process of one node stopped in place (SIGSTOP), a gray failure; revert resumes them (SIGCONT).',
  category: 'node',
  needsNetwork: false,
  params: NodeFreezeParams,
  describe: (p) => `freeze every process of node ${p.node}`,
};
