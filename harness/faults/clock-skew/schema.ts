import { z } from 'zod';
import { positiveDuration } from '../../model/duration-schema.js';
import { podSelector } from '../selectors.js';

export const ClockSkewParams = z
  .strictObject({
    pod: podSelector.default('primary'),
    offset: positiveDuration,
    direction: z.enum(['ahead', 'behind']).describe('"ahead" or "behind"').default('ahead'),
  })
  .describe('clock-skew parameters');
export type ClockSkewParams = z.infer<typeof ClockSkewParams>;
