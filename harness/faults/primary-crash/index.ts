import type { FaultDefinition } from '../types.js';
import { PrimaryCrashParams } from './schema.js';

export const primaryCrash: FaultDefinition<typeof PrimaryCrashParams> = {
  type: 'primary-crash',
  summary: 'Every process of whichever node is primary when the fault starts killed at once (SIGKILL); revert restarts them.',
  category: 'node',
  needsNetwork: false,
  params: PrimaryCrashParams,
  describe: () => 'crash every process of the node that is primary at that moment',
};
