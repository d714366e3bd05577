import { KdrillError, ErrorCode } from '../common/errors.js';
import { backupCorruption } from './backup-corruption/index.js';
import { clockSkew } from './clock-skew/index.js';
import { clusterLoss } from './cluster-loss/index.js';
import { cpuStress } from './cpu-stress/index.js';
import { etcdDataLoss } from './etcd-data-loss/index.js';
import { etcdMemberKill } from './etcd-member-kill/index.js';
import { etcdQuorumLoss } from './etcd-quorum-loss/index.js';
import { ioFault } from './io-fault/index.js';
import { ioLatency } from './io-latency/index.js';
import { memoryStress } from './memory-stress/index.js';
import { networkDelay } from './network-delay/index.js';
import { networkLoss } from './network-loss/index.js';
import { nodeCrash } from './node-crash/index.js';
import { nodeDrain } from './node-drain/index.js';
import { nodeFreeze } from './node-freeze/index.js';
import { nodeIsolation } from './node-isolation/index.js';
import { podFailure } from './pod-failure/index.js';
import { podKill } from './pod-kill/index.js';
import { postgresKill } from './postgres-kill/index.js';
import { primaryCrash } from './primary-crash/index.js';
import { zoneOutage } from './zone-outage/index.js';
import { zonePairPartition } from './zone-pair-partition/index.js';
import { zonePartition } from './zone-partition/index.js';
import type { FaultDefinition } from './types.js';
import type { FaultType } from '../model/fault.js';

// In FAULT_TYPES order. The registry test checks these keys against FAULT_TYPES and the folders.
const definitions: readonly FaultDefinition[] = [
  nodeCrash,
  nodeFreeze,
  nodeIsolation,
  nodeDrain,
  zoneOutage,
  zonePartition,
  zonePairPartition,
  primaryCrash,
  postgresKill,
  podKill,
  podFailure,
  networkDelay,
  networkLoss,
  cpuStress,
  memoryStress,
  ioLatency,
  ioFault,
  clockSkew,
  etcdMemberKill,
  etcdQuorumLoss,
  etcdDataLoss,
  clusterLoss,
  backupCorruption,
];

// The fault catalogue: explicit, keyed by the definition's own type (no directory scanning).
export const FAULTS: ReadonlyMap<FaultType, FaultDefinition> = new Map(definitions.map((d) => [d.type, d]));

// The catalogue entry of one fault type.
export function faultDefinition(type: FaultType): FaultDefinition {
  const definition = FAULTS.get(type);
  if (!definition) throw new KdrillError(ErrorCode.INTERNAL, `fault type "${type}" has no catalogue entry in harness/faults/api.ts`);
  return definition;
}
