import { z } from 'zod';

export const VERIFIERS = [
  'ledger-readback',
  'seeded-checksum',
  'amcheck',
  'replica-consistency',
  'restore-writable',
  'residency',
  'retention',
] as const;

export const verificationSchema = z.strictObject({
  verify: z.enum(VERIFIERS).describe('ledger-readback, seeded-checksum, amcheck, replica-consistency, restore-writable, residency or retention'),
  required: z.boolean().default(true).describe('whether a failure of this check fails the drill'),
});
export type VerificationSpec = z.infer<typeof verificationSchema>;
