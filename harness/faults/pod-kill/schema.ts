import { z } from 'zod';
import { durationSchema } from '../../model/duration-schema.js';
import { podSelector } from '../selectors.js';

export const PodKillParams = z
  .strictObject({
    pod: podSelector.default('primary'),
    gracePeriod: durationSchema.default(0),
  })
  .describe('pod-kill parameters');
export type PodKillParams = z.infer<typeof PodKillParams>;
