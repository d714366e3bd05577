import { z } from 'zod';
import { zoneSelector } from '../selectors.js';

export const ZoneOutageParams = z
  .strictObject({ zone: zoneSelector.default('primary') })
  .describe('zone-outage parameters');
export type ZoneOutageParams = z.infer<typeof ZoneOutageParams>;
