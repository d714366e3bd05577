import type { Topology } from '../../../model/topology.js';
import type { FaultParams, FaultType } from '../../../model/fault.js';
import type { LocalCluster } from '../cluster/handle.js';

// A fault on the local backend: resolution against the topology (pure), the harm, and the
// heal. `heal` works from the persisted data alone and is idempotent, so `kdrill cleanup`
// can run it after the harness died mid-fault.
export interface LocalFault<D extends Record<string, unknown> = Record<string, unknown>> {
  readonly type: FaultType;
  resolve(params: FaultParams, topology: Topology): { targets: string[]; data: D };
  // Stamps what depends on the fault's id (partition rule priorities) when it is armed.
  arm?(data: D, faultId: string): D;
  harm(cluster: LocalCluster, data: D): Promise<void>;
  heal(cluster: LocalCluster, data: D): Promise<void>;
}
