import { z } from 'zod';
import { nodeSelector } from '../selectors.js';

export const POSTGRES_KILL_SIGNALS = ['SIGKILL', 'SIGTERM'] as const;

export const PostgresKillParams = z
  .strictObject({
    node: nodeSelector.default('primary'),
    signal: z.enum(POSTGRES_KILL_SIGNALS).describe('"SIGKILL" (crash) or "SIGTERM" (fast shutdown)').default('SIGKILL'),
  })
  .describe('postgres-kill parameters');
export type PostgresKillParams = z.infer<typeof PostgresKillParams>;
