import type { FaultDefinition } from '../types.js';
import { ZonePartitionParams } from './schema.js';

export const zonePartition: FaultDefinition<typeof ZonePartitionParams> = {
  type: 'zone-partition',
  summary: 'One zone cut off from the other zones while it stays up and connected inside; revert heals the partition.',
  category: 'network',
  needsNetwork: true,
  params: ZonePartitionParams,
  describe: (p) => `partition zone ${p.zone} from the other zones`,
};
