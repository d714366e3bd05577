import type { FaultDefinition } from '../types.js';
import { MemoryStressParams } from './schema.js';

export const memoryStress: FaultDefinition<typeof MemoryStressParams> = {
  type: 'memory-stress',
  summary: 'Memory held inside one pod (Chaos Mesh StressChaos memory), up to the OOM killer; revert releases it.',
  category: 'resource',
  needsNetwork: false,
  params: MemoryStressParams,
  describe: (p) => `hold ${p.size} of memory in pod ${p.pod}`,
};
