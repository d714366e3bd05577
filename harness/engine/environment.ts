import os from 'node:os';
import type { ConnectedBackend } from '../backends/types.js';
import type { Topology } from '../model/topology.js';

// What a run ran on, for the report: the topology as it was when the drill began, and the
// versions of the backend's components, of Node.js, the operating system and kdrill. Best
// effort: what cannot be asked is left out, and `why` says so.
export async function environmentOf(connected: ConnectedBackend, backend: string, kdrillVersion: string | undefined): Promise<{ backend: string; topology?: Topology; versions: Record<string, string>; why?: string }> {
  const problems: string[] = [];
  const [topology, components] = await Promise.all([
    connected.topology().catch((error: unknown) => void problems.push(`topology: ${(error as Error).message}`)),
    (connected.versions?.() ?? Promise.resolve({})).catch((error: unknown) => void problems.push(`versions: ${(error as Error).message}`)),
  ]);
  const versions = { ...(components ?? {}), node: process.version, os: `${os.type()} ${os.release()}`, ...(kdrillVersion ? { kdrill: kdrillVersion } : {}) };
  return { backend, ...(topology ? { topology } : {}), versions, ...(problems.length ? { why: problems.join('; ') } : {}) };
}
