import { z } from 'zod';
import { podSelector } from '../selectors.js';

export const MemoryStressParams = z
  .strictObject({
    pod: podSelector.default('primary'),
    size: z.string().regex(/^\d+(B|KB|MB|GB)$/).describe('a size like "256MB"'),
  })
  .describe('memory-stress parameters');
export type MemoryStressParams = z.infer<typeof MemoryStressParams>;
