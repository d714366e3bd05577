import { formatDuration } from '../../model/duration.js';
import type { FaultDefinition } from '../types.js';
import { ClockSkewParams } from './schema.js';

export const clockSkew: FaultDefinition<typeof ClockSkewParams> = {
  type: 'clock-skew',
  summary: 'The clock seen by the processes of one pod shifted (Chaos Mesh TimeChaos); revert restores real time.',
  category: 'process',
  needsNetwork: false,
  params: ClockSkewParams,
  describe: (p) => `shift the clock of pod ${p.pod} ${formatDuration(p.offset)} ${p.direction}`,
};
