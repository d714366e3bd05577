import type { FaultDefinition } from '../types.js';
import { ZonePairPartitionParams } from './schema.js';

export const zonePairPartition: FaultDefinition<typeof ZonePairPartitionParams> = {
  type: 'zone-pair-partition',
  summary: 'Traffic between two zones cut while both still reach the third; revert heals the link.',
  category: 'network',
  needsNetwork: true,
  params: ZonePairPartitionParams,
  describe: (p) => `cut traffic between zones ${p.zones[0]} and ${p.zones[1]}`,
};
