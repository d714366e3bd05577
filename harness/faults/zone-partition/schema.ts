import { z } from 'zod';
import { zoneSelector } from '../selectors.js';

export const ZonePartitionParams = z
  .strictObject({ zone: zoneSelector.default('primary') })
  .describe('zone-partition parameters');
export type ZonePartitionParams = z.infer<typeof ZonePartitionParams>;
