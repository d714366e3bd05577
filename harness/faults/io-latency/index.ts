import { formatDuration } from '../../model/duration.js';
import type { FaultDefinition } from '../types.js';
import { IoLatencyParams } from './schema.js';

export const ioLatency: FaultDefinition<typeof IoLatencyParams> = {
  type: 'io-latency',
  summary: 'File-system operations under a path in one pod slowed down (Chaos Mesh IOChaos latency); revert removes the delay.',
  category: 'resource',
  needsNetwork: false,
  params: IoLatencyParams,
  describe: (p) => `delay ${p.percent}% of I/O under ${p.path} in pod ${p.pod} by ${formatDuration(p.delay)}`,
};
