import { formatDuration } from '../../model/duration.js';
import type { FaultDefinition } from '../types.js';
import { PodKillParams } from './schema.js';

export const podKill: FaultDefinition<typeof PodKillParams> = {
  type: 'pod-kill',
  summary: 'One pod of the workload deleted (Chaos Mesh PodChaos pod-kill); its StatefulSet recreates it.',
  category: 'process',
  needsNetwork: false,
  params: PodKillParams,
  describe: (p) => `kill pod ${p.pod}${p.gracePeriod > 0 ? ` with a ${formatDuration(p.gracePeriod)} grace period` : ''}`,
};
