import { z } from 'zod';
import { percent, podSelector } from '../selectors.js';

export const IoFaultParams = z
  .strictObject({
    pod: podSelector.default('primary'),
    errno: z.number().int().min(1).max(133).describe('an errno number from 1 to 133, like 5 (EIO) or 28 (ENOSPC)').default(5),
    percent: percent.default(100),
    path: z.string().startsWith('/').describe('an absolute path inside the pod, like "/var/lib/postgresql/data"').default('/var/lib/postgresql/data'),
  })
  .describe('io-fault parameters');
export type IoFaultParams = z.infer<typeof IoFaultParams>;
