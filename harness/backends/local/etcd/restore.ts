import { rename, rm } from 'node:fs/promises';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import type { LocalCluster } from '../cluster/handle.js';
import { etcdDataDir } from '../cluster/start.js';
import { waitEtcdHealthy, waitFor } from '../cluster/wait.js';
import { etcdName } from '../config/etcd.js';
import { missingPatroniState, patroniKeysOf } from './patroni-keys.js';
import { etcdctl } from './etcdctl.js';
import { listEtcdSnapshots, snapshotRecord } from './snapshot.js';

export interface EtcdRestore {
  readonly snapshot: string;
  readonly members: readonly string[];
  readonly restoreMs: number; // every member stopped, its data rebuilt from the snapshot
  readonly quorumMs: number; // then started until every member reports healthy
  // How many of Patroni's keys the snapshot held when it was saved (none with the `etcd` v2
  // DCS), Patroni's keys once its state was whole again, and how long that took.
  readonly patroniKeysInSnapshot?: number;
  readonly keysAfter: readonly string[];
  readonly patroniStateMs: number;
}

/**
 * The runbook for an etcd cluster that cannot simply be restarted: every member stopped, each
 * data directory rebuilt from the latest snapshot (`etcdctl snapshot restore`, one member
 * each, the same membership and token), then every member started as a new cluster.
 * @throws KdrillError STEP_FAILED when no snapshot was saved, or quorum does not return.
 */
export async function restoreEtcdFromSnapshot(cluster: LocalCluster, log: (line: string) => void, signal?: AbortSignal): Promise<EtcdRestore> {
  const snapshot = (await listEtcdSnapshots(cluster.state)).at(-1);
  if (!snapshot) throw new KdrillError(ErrorCode.STEP_FAILED, 'etcd-restore: no etcd snapshot was saved; run an etcd-snapshot step first');
  const nodes = cluster.plan.nodes;
  const initialCluster = nodes.map((n) => `${etcdName(n)}=http://${n.address}:2380`).join(',');
  log(`etcd-restore: stopping ${nodes.length} members and rebuilding them from ${snapshot.file}`);
  const started = performance.now();
  for (const node of nodes) await cluster.killEtcdOf(node.name);
  for (const node of nodes) {
    const dataDir = etcdDataDir(cluster.state, node.name);
    const rebuilt = `${dataDir}.restored`;
    await rm(rebuilt, { recursive: true, force: true });
    await etcdctl(['snapshot', 'restore', snapshot.file, '--name', etcdName(node), '--initial-cluster', initialCluster, '--initial-cluster-token', `kdrill-${cluster.state.clusterId}`, '--initial-advertise-peer-urls', `http://${node.address}:2380`, '--data-dir', rebuilt]);
    await rm(dataDir, { recursive: true, force: true });
    await rename(rebuilt, dataDir);
  }
  const restoreMs = performance.now() - started;
  for (const node of nodes) await cluster.startEtcdOf(node.name, 'new');
  const quorumStarted = performance.now();
  await waitEtcdHealthy(nodes, 'etcd healthy on every member after the restore', { timeoutMs: 60_000, log, ...(signal ? { signal } : {}) });
  const quorumMs = performance.now() - quorumStarted;
  const saved = await snapshotRecord(snapshot.file);
  // With the `etcd` (v2) DCS a snapshot holds none of Patroni's keys: Patroni writes them
  // again from what it knows. Either way the drill goes on only once they are all there.
  const stateStarted = performance.now();
  const keysAfter = await waitFor(
    "Patroni's state back in etcd (leader, initialize, config and every member)",
    async () => {
      const keys = await patroniKeysOf(cluster);
      const missing = missingPatroniState(keys, nodes.map((n) => n.name));
      return missing.length === 0 ? { done: true, value: keys } : { done: false, why: `missing ${missing.join(', ')}` };
    },
    { timeoutMs: 120_000, log, ...(signal ? { signal } : {}) },
  );
  const held = saved ? `the snapshot held ${saved.patroniKeys} of Patroni's keys` : "the snapshot's contents were not recorded";
  log(`etcd-restore: quorum after ${Math.round(quorumMs)} ms; ${held}; Patroni's state was whole ${Math.round(performance.now() - stateStarted)} ms later`);
  return { snapshot: snapshot.file, members: nodes.map((n) => n.name), restoreMs, quorumMs, ...(saved ? { patroniKeysInSnapshot: saved.patroniKeys } : {}), keysAfter, patroniStateMs: performance.now() - stateStarted };
}
