import { z } from 'zod';
import { dnsLabel } from '../../model/names.js';

export const CADENCES = ['monthly', 'quarterly', 'semiannual', 'annual', 'adhoc'] as const;

export const metadataSchema = z.strictObject({
  name: dnsLabel,
  description: z.string().min(1).optional().describe('what the drill proves, in a sentence or two'),
  cadence: z.enum(CADENCES).default('adhoc').describe('how often the drill runs: monthly, quarterly, semiannual, annual or adhoc'),
  owner: z.string().min(1).optional().describe('the team or person answerable for the drill, like "sre-payments"'),
  tags: z.array(dnsLabel).default([]).describe('a list of lowercase tags'),
});
export type Metadata = z.infer<typeof metadataSchema>;
