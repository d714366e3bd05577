import { ErrorCode, KdrillError } from '../../common/errors.js';
import type { ActionType } from '../../actions/types.js';
import type { FaultType, RevertRecord } from '../../model/fault.js';
import type { ActionContext, ConnectedBackend } from '../types.js';
import type { Endpoints } from '../../model/endpoints.js';
import type { Topology } from '../../model/topology.js';
import { localBackupInventory } from './backup/inventory.js';
import { takeBackup, type BackupType } from './backup/pgbackrest.js';
import { restoreIntoScratch, removeScratch } from './restore/scratch.js';
import { rebuildFromBackup } from './restore/fresh-cluster.js';
import { restoreEtcdFromSnapshot } from './etcd/restore.js';
import { saveEtcdSnapshot } from './etcd/snapshot.js';
import { restorePointOf } from '../../journal/restore-point.js';
import { PG_PORT } from './config/patroni.js';
import { run } from './exec.js';
import { localVersions } from './versions.js';
import type { LocalCluster } from './cluster/handle.js';
import { destroyCluster } from './cluster/down.js';
import { healFromRecord, localInjector } from './injectors/index.js';

// A drill's view of one local cluster. `owned`: this connection created the cluster and removes
// it when disposed (unless the scenario keeps it).
export function connectedLocal(cluster: LocalCluster, options: { owned: boolean; keep: boolean; keepRestored?: boolean; log: (line: string) => void }): ConnectedBackend {
  // Restored instances live only as long as the run that made them, even on a kept cluster.
  const restored: { name: string; url: string }[] = [];
  const dispose = async () => {
    const problems: string[] = [];
    for (const { name, url } of restored.splice(0)) {
      if (options.keepRestored && !(options.owned && !options.keep)) {
        options.log(`kept restored instance ${name} (${url}); \`kdrill cleanup\` removes it`);
        continue;
      }
      options.log(`removing restored instance ${name}`);
      problems.push(...(await removeScratch(cluster.state, name)));
    }
    if (problems.length) throw new KdrillError(ErrorCode.REVERT_FAILED, `restored instances were not removed completely: ${problems.join('; ')}`);
    if (options.owned && !options.keep) {
      const problems = await destroyCluster(cluster.state, { log: options.log });
      if (problems.length) throw new KdrillError(ErrorCode.REVERT_FAILED, `cluster ${cluster.state.clusterId} was not removed completely: ${problems.join('; ')}`);
    }
  };
  return {
    topology: () => topologyOf(cluster),
    endpoints: async (): Promise<Endpoints> => ({
      readWrite: `postgresql://postgres@127.0.0.1:${cluster.plan.ports.readWrite}/postgres`,
      readOnly: `postgresql://postgres@127.0.0.1:${cluster.plan.ports.readOnly}/postgres`,
      etcd: cluster.plan.nodes.map((n) => `http://${n.address}:2379`),
      members: cluster.plan.nodes.map((n) => ({ name: n.name, url: `postgresql://postgres@${n.address}:${PG_PORT}/postgres` })),
      ...(restored.length ? { restored: [...restored] } : {}),
      user: 'postgres',
      password: cluster.state.credentials.superuser,
    }),
    injector: (type: FaultType) => localInjector(cluster, type),
    act: async (type, params, ctx) => {
      if (type !== 'restore') return act(cluster, type, params, ctx);
      const point = restorePointOf(params, ctx.entries ?? []);
      const decided = performance.now();
      const log = ctx.log ?? options.log;
      if (params['into'] === 'fresh-cluster') {
        const rebuilt = await rebuildFromBackup(cluster, { target: point, timeoutMs: 60 * 60_000, log, signal: ctx.signal });
        return { into: 'fresh-cluster', ...rebuilt, ...(point.kind === 'time' ? { basis: point.basis } : {}), totalMs: performance.now() - decided };
      }
      const instance = await restoreIntoScratch(cluster.state, {
        target: point,
        runId: ctx.runId,
        timeoutMs: 60 * 60_000,
        log,
        signal: ctx.signal,
        onCreated: (name, url) => restored.push({ name, url }),
      });
      return { into: 'scratch-instance', ...instance, ...(point.kind === 'time' ? { basis: point.basis } : {}), totalMs: performance.now() - decided };
    },
    check: (condition) => check(cluster, condition),
    backupInventory: () => localBackupInventory(cluster, restored),
    versions: () => localVersions(),
    revertFromRecord: (record: RevertRecord) => healFromRecord(cluster, record),
    [Symbol.asyncDispose]: dispose,
  };
}

async function topologyOf(cluster: LocalCluster): Promise<Topology> {
  const view = await cluster.observe();
  return {
    zones: cluster.plan.zones.map((zone) => ({
      name: zone.name,
      nodes: cluster.plan.nodes
        .filter((n) => n.zone === zone.name)
        .map((node) => {
          const m = view.members.find((x) => x.node === node.name)!;
          return {
            name: node.name,
            zone: node.zone,
            address: node.address,
            members: [
              {
                name: node.name,
                kind: 'postgresql' as const,
                role: m.patroni === 'down' ? ('down' as const) : m.role,
                ...(m.timeline !== undefined ? { timeline: m.timeline } : {}),
                ...(m.lagBytes !== undefined ? { lagBytes: m.lagBytes } : {}),
              },
              { name: `etcd-${node.name}`, kind: 'etcd' as const, role: m.etcd === 'down' ? ('down' as const) : ('unknown' as const) },
            ],
          };
        }),
    })),
  };
}

// Wait conditions, as a single observation each (the engine polls).
async function check(cluster: LocalCluster, condition: string): Promise<{ met: boolean; detail?: unknown }> {
  switch (condition) {
    case 'service-restored': {
      const write = await cluster.writeThroughService();
      return { met: write.ok, detail: write };
    }
    case 'leader-elected': {
      const view = await cluster.observe();
      return { met: view.primaries.length === 1, detail: { primaries: view.primaries } };
    }
    case 'redundancy-restored':
    case 'cluster-healthy': {
      const view = await cluster.observe();
      return { met: view.healthy, detail: { primaries: view.primaries, problems: view.problems } };
    }
    case 'replication-caught-up': {
      const view = await cluster.observe();
      const lagging = view.members.filter((m) => m.role === 'replica' && m.lagBytes !== 0).map((m) => m.node);
      return { met: view.healthy && lagging.length === 0, detail: { lagging, problems: view.problems } };
    }
    default:
      throw new KdrillError(ErrorCode.INTERNAL, `the local backend does not know the condition ${condition}`);
  }
}

async function act(cluster: LocalCluster, type: ActionType, params: Readonly<Record<string, unknown>>, ctx: ActionContext): Promise<Record<string, unknown>> {
  switch (type) {
    case 'failover':
    case 'switchover': {
      const view = await cluster.observe();
      const primary = view.primaries[0];
      const candidate = typeof params['to'] === 'string' ? params['to'] : view.members.find((m) => m.role === 'replica' && m.streaming)?.node;
      if (!candidate) throw new KdrillError(ErrorCode.STEP_FAILED, `${type}: no streaming replica to promote (${view.problems.join('; ') || 'none'})`);
      const config = cluster.patroniConfigOf(candidate);
      const args = ['-c', config, type, '--candidate', candidate, '--force'];
      if (type === 'switchover' && primary) args.push('--leader', primary);
      await run('patronictl', args, { timeoutMs: 60_000 });
      return { from: primary ?? null, to: candidate };
    }
    case 'backup': {
      const started = performance.now();
      const backup = await takeBackup(cluster.state, (params['type'] as BackupType | undefined) ?? 'full');
      const durationMs = performance.now() - started;
      return { ...backup, durationMs, throughputMiBps: backup.backupBytes / 1024 / 1024 / (durationMs / 1000) };
    }
    case 'etcd-snapshot': {
      return { ...(await saveEtcdSnapshot(cluster)) };
    }
    case 'etcd-restore':
      return { ...(await restoreEtcdFromSnapshot(cluster, ctx.log ?? (() => {}), ctx.signal)) };
    default:
      throw new KdrillError(ErrorCode.STEP_FAILED, `the local backend does not run ${type} yet; it runs failover, switchover, backup, restore, etcd-snapshot and etcd-restore`);
  }
}
