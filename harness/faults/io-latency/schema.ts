import { z } from 'zod';
import { positiveDuration } from '../../model/duration-schema.js';
import { percent, podSelector } from '../selectors.js';

export const IoLatencyParams = z
  .strictObject({
    pod: podSelector.default('primary'),
    delay: positiveDuration,
    percent: percent.default(100),
    path: z.string().startsWith('/').describe('an absolute path inside the pod, like "/var/lib/postgresql/data"').default('/var/lib/postgresql/data'),
  })
  .describe('io-latency parameters');
export type IoLatencyParams = z.infer<typeof IoLatencyParams>;
