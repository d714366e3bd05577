import { z } from 'zod';
import { zoneSelector } from '../selectors.js';

export const ZonePairPartitionParams = z
  .strictObject({
    zones: z
      .tuple([zoneSelector, zoneSelector])
      .refine(([a, b]) => a !== b, { message: 'the two zones must be different, like ["a", "b"]' })
      .describe('two different zone names, like ["a", "b"]'),
  })
  .describe('zone-pair-partition parameters');
export type ZonePairPartitionParams = z.infer<typeof ZonePairPartitionParams>;
