import { z } from 'zod';
import { percent, podSelector } from '../selectors.js';

export const CpuStressParams = z
  .strictObject({
    pod: podSelector.default('primary'),
    workers: z.number().int().min(1).max(64).describe('a whole number of stress workers from 1 to 64').default(1),
    load: percent.default(100),
  })
  .describe('cpu-stress parameters');
export type CpuStressParams = z.infer<typeof CpuStressParams>;
