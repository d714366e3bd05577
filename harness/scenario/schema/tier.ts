import { z } from 'zod';
import { durationSchema } from '../../model/duration-schema.js';

export const TIERS = ['tier0', 'tier1', 'tier2'] as const;
export const COMPLIANCE_PRESETS = ['HIPAA', 'PCI-DSS', 'SOC2', 'GDPR', 'trading'] as const;

export const targetsOverrideSchema = z.strictObject({
  rpo: durationSchema.optional().describe('the most acknowledged-write age that may be lost, like "0s" or "1h"'),
  rto: durationSchema.optional().describe('the longest time to restored service, like "15m"'),
  maxLostWrites: z.number().int().min(0).optional().describe('a whole number of acknowledged writes that may be lost'),
  retention: durationSchema.optional().describe('how long backups must be kept, like "30d"'),
  allowedRegions: z.array(z.string().min(1)).optional().describe('zones or regions where data and replicas may live'),
});

export const tierSchema = z.strictObject({
  name: z.enum(TIERS).describe('the workload tier: tier0, tier1 or tier2'),
  policy: z.string().min(1).optional().describe('a tier policy file, relative to the scenario (default: the policy shipped in fixtures/)'),
  compliance: z.array(z.enum(COMPLIANCE_PRESETS)).default([]).describe('compliance presets: HIPAA, PCI-DSS, SOC2, GDPR, trading'),
  overrides: targetsOverrideSchema.optional().describe('per-scenario targets that replace the tier defaults'),
});
export type TierSpec = z.infer<typeof tierSchema>;
