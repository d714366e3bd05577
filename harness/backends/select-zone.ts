import { ErrorCode, KdrillError } from '../common/errors.js';
import type { Topology } from '../model/topology.js';

// "primary" or a zone name → the zone's name; `primaryZone` says where the primary is, as
// each backend knows it (the node holding it, or the pod).
export function selectZoneOf(topology: Topology, selector: unknown, primaryZone: () => string): string {
  const wanted = String(selector ?? 'primary');
  if (wanted === 'primary') return primaryZone();
  if (!topology.zones.some((z) => z.name === wanted)) {
    throw new KdrillError(ErrorCode.STEP_FAILED, `no zone named ${wanted} (zones: ${topology.zones.map((z) => z.name).join(', ')})`);
  }
  return wanted;
}
