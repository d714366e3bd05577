import { z } from 'zod';
import { percent, podSelector, zoneSelector } from '../selectors.js';

// Object-level check: `zone` and `pod` narrow the same thing, so only one may be given.
export const NetworkLossParams = z
  .strictObject({
    zone: zoneSelector.optional(),
    pod: podSelector.optional(),
    loss: percent,
  })
  .refine((p) => p.zone === undefined || p.pod === undefined, {
    message: 'give at most one of `zone` and `pod` (with neither, every pod of the workload loses packets)',
    path: ['pod'],
  })
  .describe('network-loss parameters');
export type NetworkLossParams = z.infer<typeof NetworkLossParams>;
