import { z } from 'zod';
import { positiveWaitDuration } from '../../model/duration-schema.js';

export const abortSchema = z.strictObject({
  maxDuration: positiveWaitDuration.default(3_600_000).describe('the whole drill is stopped (and reverted) after this long, like "30m"'),
  errorRate: z
    .strictObject({
      above: z.number().min(0).max(100).describe('a percentage of failed writes, from 0 to 100'),
      for: positiveWaitDuration.describe('how long the rate must stay above the bound, like "30s"'),
    })
    .optional(),
  dataLoss: z.boolean().default(false).describe('stop as soon as an acknowledged write is found missing'),
});
export type AbortSpec = z.infer<typeof abortSchema>;
