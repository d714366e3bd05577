import { z } from 'zod';
import { positiveWaitDuration, waitDuration } from '../../model/duration-schema.js';

export const LOAD_DRIVER_NAMES = ['ledger', 'pgbench', 'k6', 'none'] as const;

export const LOAD_PLACES = ['here', 'cluster'] as const;

export const loadSchema = z.strictObject({
  driver: z.enum(LOAD_DRIVER_NAMES).default('ledger').describe('"ledger" (every write tracked), "pgbench", "k6" or "none"'),
  rate: z
    .union([z.number().int().min(1).max(1_000_000), z.literal('max')])
    .default(200)
    .describe('writes per second (a whole number from 1), or "max" for as fast as possible'),
  concurrency: z.number().int().min(1).max(256).default(4).describe('concurrent connections, from 1 to 256'),
  warmUp: waitDuration.default(0).describe('load before the first step, like "10s"'),
  writeTimeout: positiveWaitDuration.default(2_000).describe('how long one write may take before it is in doubt, like "2s"'),
  script: z.string().min(1).optional().describe('the k6 script (driver k6 only), relative to the scenario'),
  runIn: z
    .enum(LOAD_PLACES)
    .optional()
    .describe('where the load runs: "here" (where kdrill runs) or "cluster" (a Job; kubernetes backend, ledger and k6 drivers); default here, except k6 without k6 installed'),
});
export type LoadSpec = z.infer<typeof loadSchema>;
