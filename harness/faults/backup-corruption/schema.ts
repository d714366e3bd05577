import { z } from 'zod';

export const BackupCorruptionParams = z
  .strictObject({
    backup: z.literal('latest').default('latest').describe('"latest": the newest backup in the repository'),
    bytes: z.number().int().min(1).max(4096).default(64).describe('how many bytes of one file to damage, 1–4096'),
  })
  .describe('backup-corruption parameters');
export type BackupCorruptionParams = z.infer<typeof BackupCorruptionParams>;
