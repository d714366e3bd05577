import { existsSync } from 'node:fs';
import { ACTIONS } from '../../actions/api.js';
import type { ActionType } from '../../actions/types.js';
import { BackendUnavailableError, ErrorCode, KdrillError } from '../../common/errors.js';
import { faultDefinition } from '../../faults/api.js';
import type { FaultType, RevertRecord } from '../../model/fault.js';
import { resolveFromScenario } from '../../scenario/package-root.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { Backend, ConnectedBackend, RunContext } from '../types.js';
import { LocalCluster } from './cluster/handle.js';
import { createCluster } from './cluster/up.js';
import { orphanedRestores, removeScratch } from './restore/scratch.js';
import { destroyCluster } from './cluster/down.js';
import { PATRONI_PROFILES, type PatroniTiming } from './config/patroni.js';
import { connectedLocal } from './connected.js';
import { healFromRecord } from './injectors/index.js';
import { detectPrivilege, missingPrograms } from './privilege.js';
import { insideOwnUserNamespace, reexecInUserNamespace, userNamespaceUsable } from './userns.js';
import type { NetworkMode } from './address-plan.js';
import { startTimeOf } from '../../common/proc.js';
import { listClusters, type ClusterOptions, type ClusterState } from './state.js';
import { loadTopologyFile, type TopologyFile } from './topology-file.js';

const LOCAL_FAULTS: ReadonlySet<FaultType> = new Set<FaultType>([
  'node-crash',
  'node-freeze',
  'node-isolation',
  'zone-outage',
  'zone-partition',
  'zone-pair-partition',
  'primary-crash',
  'postgres-kill',
  'etcd-member-kill',
  'etcd-quorum-loss',
  'etcd-data-loss',
  'cluster-loss',
  'backup-corruption',
]);

const LOCAL_ACTIONS: ReadonlySet<ActionType> = new Set(ACTIONS.keys());

type LocalTarget = Extract<Scenario['target'], { backend: 'local' }>;

// Why a fault cannot run on this local target, or undefined when it can.
// Loopback mode has no network namespaces, so faults that cut or shape links are refused.
// Without root, `privilege: auto` falls back to loopback mode in this version, so the same
// refusal applies there, with the reason.
function refuse(fault: FaultType, target: Scenario['target']): string | undefined {
  if (target.backend !== 'local' || !faultDefinition(fault).needsNetwork) return undefined;
  if (target.privilege === 'loopback') {
    return `${fault} needs network namespaces, which loopback mode does not have: every node shares 127.0.0.0/8; run as root or allow unprivileged user namespaces`;
  }
  if (target.privilege === 'auto' && process.getuid?.() !== 0 && !insideOwnUserNamespace() && !userNamespaceUsable()) {
    return `${fault} needs network namespaces: kdrill is not root and cannot create an unprivileged user namespace here, so the local backend would run in loopback mode (every node shares 127.0.0.0/8); run as root, or allow user namespaces (sysctl user.max_user_namespaces)`;
  }
  return undefined;
}

// Root and the programs the cluster runs; each failure explained.
async function preflight(target: Scenario['target']): Promise<void> {
  await networkMode(target);
}

// netns as root; loopback when asked for, or when neither root nor a user namespace can serve.
async function networkMode(target: Scenario['target']): Promise<NetworkMode> {
  const requested = target.backend === 'local' ? target.privilege : 'auto';
  const privilege = await detectPrivilege(requested);
  if (!privilege.mode) {
    throw new BackendUnavailableError('the local backend cannot create its cluster here', privilege.attempts, {
      hint: 'run kdrill as root (sudo), or use `target: { backend: fake }` to exercise a scenario in memory',
    });
  }
  const missing = await missingPrograms();
  if (missing.length) {
    throw new BackendUnavailableError(`the local backend needs programs that are not installed: ${missing.join(', ')}`, [], {
      hint: 'run `bash scripts/setup` (Debian/Ubuntu) or install postgresql-15, patroni, etcd-server, etcd-client, haproxy and iproute2',
    });
  }
  return privilege.mode === 'loopback' ? 'loopback' : 'netns';
}

// The cluster settings a target asks for: tier0 runs synchronous replication (no acknowledged write may be lost).
export function clusterOptionsFor(target: LocalTarget, tier: string | undefined): ClusterOptions {
  const profile = PATRONI_PROFILES[target.patroni.profile];
  const timing: PatroniTiming = {
    ttl: target.patroni.ttl ?? profile.ttl,
    loopWait: target.patroni.loopWait ?? profile.loopWait,
    retryTimeout: target.patroni.retryTimeout ?? profile.retryTimeout,
  };
  return { dcs: target.dcs, timing, synchronous: tier === 'tier0' };
}

function sameCluster(state: ClusterState, topology: TopologyFile, options: ClusterOptions): boolean {
  return JSON.stringify(state.topology.zones) === JSON.stringify(topology.zones) && JSON.stringify(state.options) === JSON.stringify(options);
}

function sameMode(state: ClusterState, mode: NetworkMode): boolean {
  return (state.mode ?? 'netns') === mode;
}

async function connect(target: Scenario['target'], ctx: RunContext): Promise<ConnectedBackend> {
  if (target.backend !== 'local') throw new KdrillError(ErrorCode.INTERNAL, `the local backend cannot connect to a ${target.backend} target`);
  if (ctx.attachOnly) return reverterOnly();
  const mode = await networkMode(target);
  const topologyFile = ctx.scenarioFile ? resolveFromScenario(ctx.scenarioFile, target.topology, existsSync) : target.topology;
  const topology = await loadTopologyFile(topologyFile);
  const options = clusterOptionsFor(target, ctx.tier);
  const running = (await listClusters()).filter((c) => c.phase === 'up');
  const match = running.find((c) => sameCluster(c, topology, options) && sameMode(c, mode));
  if (match) {
    ctx.log(`using local cluster ${match.clusterId} (up since ${match.createdAt})`);
    return connectedLocal(new LocalCluster(match), { owned: false, keep: true, keepRestored: ctx.keepRestored === true, log: ctx.log });
  }
  if (running.length) {
    const other = running[0]!;
    throw new BackendUnavailableError(`a local cluster with other settings is up (${other.clusterId}: DCS ${other.options.dcs}, ttl ${other.options.timing.ttl}s, ${other.options.synchronous ? 'synchronous' : 'asynchronous'})`, [], {
      hint: 'two clusters on one machine distort every timing: remove it with `kdrill cluster down`, or run the drill with the same settings',
    });
  }
  const up = await createCluster({
    topology,
    topologyFile,
    ...options,
    mode,
    log: ctx.log,
    signal: ctx.signal,
    owner: { runId: ctx.runId, pid: process.pid, startTime: await startTimeOf(process.pid), keep: target.keep },
  });
  return connectedLocal(new LocalCluster(up.state), { owned: true, keep: target.keep, keepRestored: ctx.keepRestored === true, log: ctx.log });
}

// For `kdrill cleanup`: heals faults of whichever cluster a record names; a cluster that is
// gone took its faults with it.
function reverterOnly(): ConnectedBackend {
  const unavailable = () => {
    throw new KdrillError(ErrorCode.INTERNAL, 'this connection only reverts faults');
  };
  return {
    topology: unavailable,
    endpoints: unavailable,
    injector: unavailable,
    act: unavailable,
    check: unavailable,
    revertFromRecord: async (record: RevertRecord) => {
      const clusterId = (record.data as { clusterId?: unknown }).clusterId;
      const state = (await listClusters()).find((c) => c.clusterId === clusterId);
      if (!state || state.phase === 'destroying') return;
      // A cluster inside a dead run's user namespace cannot be entered, only removed (reap does).
      if (state.userNamespace && !insideOwnUserNamespace()) return;
      // A cluster whose run is gone and did not ask to keep it is removed next (reap): healing
      // it first (rebuilding a lost cluster from backup, say) would be time thrown away.
      const owner = state.owner;
      if (owner && !owner.keep && (await startTimeOf(owner.pid)) !== owner.startTime) return;
      await healFromRecord(new LocalCluster(state), record);
    },
    [Symbol.asyncDispose]: async () => {},
  };
}

// Clusters whose owning run is gone (and did not ask to keep them), or that were left half
// built or half removed by a process that died.
async function reap(log: (line: string) => void): Promise<{ removed: string[]; problems: string[] }> {
  const removed: string[] = [];
  const problems: string[] = [];
  for (const state of await listClusters()) {
    const owner = state.owner;
    const ownerAlive = owner ? (await startTimeOf(owner.pid)) === owner.startTime : false;
    const orphaned = owner ? !ownerAlive && (!owner.keep || state.phase !== 'up') : state.phase !== 'up' && !(await anyAlive(state));
    if (!orphaned) {
      // A cluster that stays may hold instances restored by runs that died.
      for (const name of await orphanedRestores(state)) {
        log(`cluster ${state.clusterId}: restored instance ${name} belongs to a run that is gone; removing it`);
        const left = await removeScratch(state, name);
        if (left.length) problems.push(...left);
        else removed.push(`${state.clusterId}/${name}`);
      }
      continue;
    }
    log(`cluster ${state.clusterId}: ${owner ? `its run ${owner.runId} is gone` : `left ${state.phase}`}; removing it`);
    const left = await destroyCluster(state, { log });
    if (left.length) problems.push(...left);
    else removed.push(state.clusterId);
  }
  return { removed, problems };
}

async function anyAlive(state: ClusterState): Promise<boolean> {
  for (const record of Object.values(state.processes)) if ((await startTimeOf(record.pid)) === record.startTime) return true;
  return false;
}

// Without root, the cluster is built inside a user namespace that this very command must run
// in: run it again there (the cluster lives as long as the run).
async function relaunch(target: Scenario['target']): Promise<number | undefined> {
  if (target.backend !== 'local' || insideOwnUserNamespace()) return undefined;
  if ((await detectPrivilege(target.privilege)).mode !== 'userns') return undefined;
  return reexecInUserNamespace();
}

export const localBackend: Backend = {
  kind: 'local',
  summary:
    'A real cluster on this machine: zones of network-namespace nodes, each with etcd and Patroni-managed PostgreSQL, HAProxy in front, pgBackRest backups.',
  faults: LOCAL_FAULTS,
  actions: LOCAL_ACTIONS,
  refuse,
  preflight,
  relaunch,
  connect,
  reap,
};
