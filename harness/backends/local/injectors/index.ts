import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { revertOnceHandle } from '../../../faults/handle.js';
import type { Injector } from '../../../faults/types.js';
import type { FaultType, RevertRecord } from '../../../model/fault.js';
import type { LocalCluster } from '../cluster/handle.js';
import { backupCorruption } from './backup-faults.js';
import { clusterLoss } from './cluster-loss.js';
import { etcdDataLoss, etcdMemberKill, etcdQuorumLoss } from './etcd-faults.js';
import { zonePairPartition, zonePartition } from './network-faults.js';
import { nodeCrash, nodeFreeze, nodeIsolation, postgresKill, primaryCrash, zoneOutage } from './node-faults.js';
import type { LocalFault } from './types.js';

// The local backend's injectors, by fault type (explicit: no discovery at run time).
export const LOCAL_INJECTORS: ReadonlyMap<FaultType, LocalFault> = new Map(
  ([nodeCrash, nodeFreeze, nodeIsolation, zoneOutage, zonePartition, zonePairPartition, primaryCrash, postgresKill, etcdMemberKill, etcdQuorumLoss, etcdDataLoss, backupCorruption, clusterLoss] as LocalFault[]).map((f) => [f.type, f]),
);

function faultOf(type: FaultType): LocalFault {
  const fault = LOCAL_INJECTORS.get(type);
  if (!fault) throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, `the local backend cannot inject ${type} in this version`);
  return fault;
}

// An Injector for one fault type on one cluster: the revert record (with the cluster id) is
// journalled before the harm; the handle's revert is idempotent and serialised.
export function localInjector(cluster: LocalCluster, type: FaultType): Injector {
  const fault = faultOf(type);
  return {
    type,
    plan: (params, topology) => {
      const { targets, data } = fault.resolve(params, topology);
      return { type, params, targets, description: `${type} on ${targets.join(', ')}`, resolved: data };
    },
    inject: async (plan, ctx) => {
      if (!plan.resolved) throw new KdrillError(ErrorCode.INTERNAL, `the ${type} plan was not made by the local backend`);
      const data = fault.arm ? fault.arm(plan.resolved, ctx.faultId) : plan.resolved;
      const record: RevertRecord = {
        backend: 'local',
        type,
        faultId: ctx.faultId,
        runId: ctx.runId,
        data: { clusterId: cluster.state.clusterId, ...data },
      };
      await ctx.arm(record);
      ctx.signal.throwIfAborted();
      await fault.harm(cluster, data);
      await ctx.effective();
      return revertOnceHandle(record, () => fault.heal(cluster, data));
    },
  };
}


// Heals a fault from its persisted record alone (after a harness crash).
export async function healFromRecord(cluster: LocalCluster, record: RevertRecord): Promise<void> {
  const { clusterId: _c, ...data } = record.data as { clusterId?: string } & Record<string, unknown>;
  await faultOf(record.type).heal(cluster, data);
}
