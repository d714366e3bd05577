import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';

// Every copy of the data (database members, the backup repository, snapshots, restored
// instances) lives in a zone or region the tier allows (`tier.allowedRegions`).
export const residency: Verifier = {
  name: 'residency',
  async verify(ctx: VerifyContext): Promise<Evidence> {
    const allowed = ctx.targets?.allowedRegions;
    if (!allowed?.length) return evidence('unknown', 'no allowed regions to judge against: set `tier.allowedRegions`');
    if (!ctx.inventory) return evidence('unknown', 'the backend does not say where its copies of the data live');
    const locations = ctx.inventory.locations;
    const outside = locations.filter((l) => !allowed.includes(l.region));
    const details = { allowed, locations, outside };
    if (outside.length) return evidence('fail', `${outside.map((l) => `${l.what} in ${l.region}`).join(', ')}: outside the allowed ${allowed.join(', ')}`, details);
    return evidence('pass', `all ${locations.length} copies of the data are in allowed regions (${[...new Set(locations.map((l) => l.region))].join(', ')})`, details);
  },
};
