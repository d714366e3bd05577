import { z } from 'zod';
import { durationSchema, positiveDuration } from '../../model/duration-schema.js';
import { percent, podSelector, zoneSelector } from '../selectors.js';

// Object-level check: `zone` and `pod` narrow the same thing, so only one may be given.
export const NetworkDelayParams = z
  .strictObject({
    zone: zoneSelector.optional(),
    pod: podSelector.optional(),
    latency: positiveDuration,
    jitter: durationSchema.default(0),
    correlation: percent.default(0),
  })
  .refine((p) => p.zone === undefined || p.pod === undefined, {
    message: 'give at most one of `zone` and `pod` (with neither, every pod of the workload is delayed)',
    path: ['pod'],
  })
  .describe('network-delay parameters');
export type NetworkDelayParams = z.infer<typeof NetworkDelayParams>;
