import { formatDuration } from '../../model/duration.js';
import type { FaultDefinition } from '../types.js';
import { NetworkDelayParams } from './schema.js';

export const networkDelay: FaultDefinition<typeof NetworkDelayParams> = {
  type: 'network-delay',
  summary: 'Latency added to the network traffic of some pods (Chaos Mesh NetworkChaos delay); revert removes it.',
  category: 'network',
  needsNetwork: true,
  params: NetworkDelayParams,
  describe: (p) => {
    const scope = p.zone !== undefined ? `pods in zone ${p.zone}` : p.pod !== undefined ? `pod ${p.pod}` : 'every pod of the workload';
    const jitter = p.jitter > 0 ? ` ±${formatDuration(p.jitter)}` : '';
    return `delay the traffic of ${scope} by ${formatDuration(p.latency)}${jitter}`;
  },
};
