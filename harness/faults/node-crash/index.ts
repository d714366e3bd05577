import type { FaultDefinition } from '../types.js';
import { NodeCrashParams } from './schema.js';

export const nodeCrash: FaultDefinition<typeof NodeCrashParams> = {
  type: 'node-crash',
  summary: 'Every process of one node killed at once (SIGKILL); revert restarts them.',
  category: 'node',
  needsNetwork: false,
  params: NodeCrashParams,
  describe: (p) => `crash every process of node ${p.node}`,
};
