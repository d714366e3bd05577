import type { FaultDefinition } from '../types.js';
import { ZoneOutageParams } from './schema.js';

export const zoneOutage: FaultDefinition<typeof ZoneOutageParams> = {
  type: 'zone-outage',
  summary: 'Every node of one zone crashed at once; revert restarts them.',
  category: 'node',
  needsNetwork: false,
  params: ZoneOutageParams,
  describe: (p) => `take down every node of zone ${p.zone}`,
};
