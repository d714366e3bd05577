import type { FaultDefinition } from '../types.js';
import { CpuStressParams } from './schema.js';

export const cpuStress: FaultDefinition<typeof CpuStressParams> = {
  type: 'cpu-stress',
  summary: 'CPU burnt inside one pod (Chaos Mesh StressChaos cpu); revert stops the stressors.',
  category: 'resource',
  needsNetwork: false,
  params: CpuStressParams,
  describe: (p) => `load ${p.workers} CPU worker${p.workers === 1 ? '' : 's'} at ${p.load}% in pod ${p.pod}`,
};
