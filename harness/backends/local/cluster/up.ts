import path from 'node:path';
import { BackendUnavailableError } from '../../../common/errors.js';
import { formatDuration } from '../../../model/duration.js';
import { MAX_SLOTS, planAddresses, type AddressPlan, type NetworkMode } from '../address-plan.js';
import { createNetwork } from '../network/index.js';
import { run } from '../exec.js';
import { postgresBinDir, uidGidOf } from '../processes/pg-tools.js';
import { clustersDir, listClusters, newClusterId, randomSecret, saveState, type ClusterOptions, type ClusterState } from '../state.js';
import type { TopologyFile } from '../topology-file.js';
import { destroyCluster } from './down.js';
import { etcdHealthOf, observeCluster } from './observe.js';
import { createStanza, prepareBackupRegion, prepareNodeDirs, processKey, startEtcd, startHaproxy, startPatroni, writePatroniConfig } from './start.js';
import { waitEtcdHealthy, waitFor } from './wait.js';
import { insideOwnUserNamespace } from '../userns.js';

export interface UpOptions extends ClusterOptions {
  readonly mode?: NetworkMode;
  readonly topology: TopologyFile;
  readonly topologyFile: string;
  readonly log?: (line: string) => void;
  readonly healthyWithinMs?: number;
  readonly signal?: AbortSignal;
  readonly owner?: ClusterState['owner'];
}

export interface UpResult {
  readonly state: ClusterState;
  readonly plan: AddressPlan;
  readonly tookMs: number;
}

// Creates a cluster and waits until it is healthy: one primary, every replica streaming, etcd
// healthy on every node. On any failure (or abort) everything created so far is removed.
export async function createCluster(options: UpOptions): Promise<UpResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const mode = options.mode ?? 'netns';
  const used = new Set((await listClusters()).map((c) => c.slot));
  // Clusters of another KDRILL_HOME are invisible here, but their addresses are not.
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show']);
  let slot: number | undefined;
  for (let s = 0; s < MAX_SLOTS && slot === undefined; s++) {
    if (used.has(s) || stdout.includes(` 198.18.${16 * s}.1/`)) continue;
    if (mode === 'loopback' && (await etcdHealthOf(planAddresses('probe', s, options.topology, 'loopback').nodes[0]!, 300)) !== 'down') continue;
    slot = s;
  }
  if (slot === undefined) throw new BackendUnavailableError(`all ${MAX_SLOTS} local cluster slots are in use`, [], { hint: 'remove clusters with `kdrill cluster down`' });
  const clusterId = newClusterId();
  const plan = planAddresses(clusterId, slot, options.topology, mode);
  const state: ClusterState = {
    version: 1,
    clusterId,
    slot,
    createdAt: new Date().toISOString(),
    dir: path.join(clustersDir(), clusterId),
    topologyFile: options.topologyFile,
    topology: options.topology,
    options: { dcs: options.dcs, timing: options.timing, synchronous: options.synchronous },
    mode,
    ...(insideOwnUserNamespace() ? { userNamespace: true } : {}),
    credentials: { superuser: randomSecret(), replication: randomSecret(), rewind: randomSecret() },
    phase: 'creating',
    processes: {},
    ...(options.owner ? { owner: options.owner } : {}),
  };
  // Recorded before anything exists, so `kdrill cluster down` can remove a half-built cluster.
  await saveState(state);
  try {
    if (mode === 'netns') {
      log(`cluster ${clusterId}: network (${plan.nodes.length} nodes in ${plan.zones.length} zones, slot ${slot})`);
      await createNetwork(plan);
    } else {
      log(`cluster ${clusterId}: loopback mode (${plan.nodes.length} nodes on 127.18.x addresses, slot ${slot}; process faults only)`);
    }
    const [binDir, postgres] = await Promise.all([postgresBinDir(), process.getuid?.() === 0 ? uidGidOf('postgres') : undefined]);
    for (const node of plan.nodes) await prepareNodeDirs(state, node, postgres);
    await prepareBackupRegion(state, plan, postgres);

    log(`cluster ${clusterId}: etcd on ${plan.nodes.length} nodes`);
    for (const node of plan.nodes) {
      state.processes[processKey.etcd(node.name)] = await startEtcd(state, plan, node);
      await saveState(state);
    }
    await waitEtcdHealthy(plan.nodes, 'etcd quorum', { timeoutMs: 30_000, log, ...(options.signal ? { signal: options.signal } : {}) });

    log(`cluster ${clusterId}: Patroni and PostgreSQL 15 (DCS ${options.dcs}, ttl ${options.timing.ttl}s, ${options.synchronous ? 'synchronous' : 'asynchronous'} replication)`);
    for (const node of plan.nodes) {
      await writePatroniConfig(state, plan, node, binDir, postgres);
      state.processes[processKey.patroni(node.name)] = await startPatroni(state, plan, node);
      await saveState(state);
    }
    state.processes[processKey.haproxy] = await startHaproxy(state, plan);
    await saveState(state);

    const view = await waitFor(
      'a healthy cluster (one primary, every replica streaming)',
      async () => {
        const v = await observeCluster(plan, state.credentials.superuser);
        return v.healthy ? { done: true, value: v } : { done: false, why: v.problems.join('; ') };
      },
      { timeoutMs: options.healthyWithinMs ?? 120_000, log, ...(options.signal ? { signal: options.signal } : {}) },
    );
    log(`cluster ${clusterId}: pgBackRest stanza in the backup region`);
    await createStanza(state);
    state.phase = 'up';
    await saveState(state);
    const tookMs = Date.now() - started;
    log(`cluster ${clusterId}: healthy in ${formatDuration(tookMs)}; primary ${view.primaries[0]}; read-write 127.0.0.1:${plan.ports.readWrite}, read-only 127.0.0.1:${plan.ports.readOnly}`);
    return { state, plan, tookMs };
  } catch (error) {
    log(`cluster ${clusterId}: could not come up (${(error as Error).message}); removing what was created`);
    await destroyCluster(state, { log });
    throw error;
  }
}
