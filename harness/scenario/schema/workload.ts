import { z } from 'zod';

export const WORKLOAD_TYPES = ['postgresql', 'mongodb'] as const;

export const workloadSchema = z.strictObject({
  type: z.enum(WORKLOAD_TYPES).default('postgresql').describe('"postgresql" (mongodb is planned, not yet supported)'),
  database: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('kdrill')
    .describe('a database name of lowercase letters, digits and "_"'),
  seed: z
    .strictObject({
      rows: z.number().int().min(0).max(100_000_000).default(10_000).describe('rows of the seeded dataset whose checksum is verified'),
    })
    .default({ rows: 10_000 }),
});
export type WorkloadSpec = z.infer<typeof workloadSchema>;
