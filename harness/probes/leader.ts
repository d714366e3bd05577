import type { Probe } from './types.js';

// The leader as the cluster manager (Patroni) reports it: exactly one primary member.
export const leader: Probe = async (ctx) => {
  try {
    const topology = await ctx.connected.topology();
    const primaries = topology.zones.flatMap((z) => z.nodes.flatMap((n) => n.members.filter((m) => m.kind === 'postgresql' && m.role === 'primary').map((m) => m.name)));
    if (primaries.length === 1) return { ok: true, detail: `${primaries[0]} leads`, key: primaries[0]!, value: { leader: primaries[0] } };
    return { ok: false, detail: primaries.length === 0 ? 'no member is primary' : `${primaries.length} members claim to be primary: ${primaries.join(', ')}`, key: primaries.join(',') || 'none', value: { primaries } };
  } catch (error) {
    return { ok: false, detail: `the topology could not be read: ${(error as Error).message}`, key: 'unknown' };
  }
};
