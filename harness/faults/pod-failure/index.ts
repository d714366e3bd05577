import type { FaultDefinition } from '../types.js';
import { PodFailureParams } from './schema.js';

export const podFailure: FaultDefinition<typeof PodFailureParams> = {
  type: 'pod-failure',
  summary: 'One pod made unavailable without being deleted (Chaos Mesh PodChaos pod-failure); revert restores it.',
  category: 'process',
  needsNetwork: false,
  params: PodFailureParams,
  describe: (p) => `make pod ${p.pod} fail`,
};
