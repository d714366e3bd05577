import { Buffer } from 'node:buffer';
import { BackendUnavailableError, ErrorCode, KdrillError, UnsupportedFaultError } from '../../common/errors.js';
import type { FaultType, RevertRecord } from '../../model/fault.js';
import type { ConnectedBackend, RunContext } from '../types.js';
import type { Endpoints } from '../../model/endpoints.js';
import { KubeClient } from './client/kube-client.js';
import { podSelectorOf, readClusterView, type ClusterView, type WorkloadRef } from './cluster-view.js';
import { checkCondition } from './conditions.js';
import { handOver, patroniLags } from './actions.js';
import { podBackupInventory, takePodBackup, type PgBackRestTarget } from './backup.js';
import type { BackupType } from '../../backup/pgbackrest-info.js';
import { CHAOS_FAULT_TYPES, chaosInjector, isNodeRecord, nodeInjector, revertChaosRecord } from './injectors/index.js';
import { DEFAULT_NODE_TIMEOUTS, healNodes, NODE_FAULTS, type NodeFaultData, type NodeFaultEnv, type NodeTimeouts } from './injectors/node-faults.js';
import { dockerKindNodes, type KindNodeOps } from './nodes/kind-nodes.js';
import type { ChaosContext } from './injectors/chaos-faults.js';
import { DEFAULT_CHAOS_TIMEOUTS, type ChaosTimeouts } from './injectors/chaos-lifecycle.js';
import { inClusterDatabase, passwordSecretOf, type KubernetesTarget } from './target.js';
import { restorePointOf } from '../../journal/restore-point.js';
import { removeRestorePod, restoreIntoPod } from './restore/scratch.js';
import { KIND_RESTORE_NODE_PORTS } from './kind/plan.js';
import { restoreKindEtcd } from './etcd/restore.js';
import { saveKindEtcdSnapshot, type KindEtcdSnapshot } from './etcd/snapshot.js';
import { startK6Job } from './load/k6-job.js';
import { markKept } from './reap-run.js';
import { startLedgerJob } from './load/ledger-job.js';
import { readApiServerAddresses } from './injectors/api-server.js';
import { memberSessions } from './member-sessions.js';
import { asynchronousTier0Warning } from './replication-mode.js';

// A drill's view of the StatefulSet in one allow-listed namespace. kdrill does not own the
// cluster: disposing the connection leaves it standing (faults are reverted by the engine).
export async function connectKubernetes(
  target: KubernetesTarget,
  client: KubeClient,
  ctx: Pick<RunContext, 'log' | 'attachOnly' | 'keepRestored' | 'tier'> & { readonly runDir?: string },
  options: { chaos?: ChaosTimeouts; nodes?: NodeTimeouts; kind?: KindNodeOps } = {},
): Promise<ConnectedBackend> {
  const timeouts = options.chaos ?? DEFAULT_CHAOS_TIMEOUTS;
  const nodeEnv: NodeFaultEnv = { client, kind: options.kind ?? dockerKindNodes(), timeouts: options.nodes ?? DEFAULT_NODE_TIMEOUTS, log: ctx.log };
  const revertFromRecord = async (record: RevertRecord): Promise<void> => {
    if (record.data.objects) return revertChaosRecord(client, record, timeouts);
    if (isNodeRecord(record)) return healNodes(nodeEnv, record.data as NodeFaultData);
    throw new KdrillError(ErrorCode.REVERT_FAILED, `the kubernetes backend cannot revert ${record.type} from its record in this version`);
  };
  if (ctx.attachOnly) return reverterOnly(revertFromRecord);

  const namespace = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: target.namespace });
  const statefulSet = namespace && (await client.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: target.namespace, name: target.statefulSet }));
  if (!statefulSet) {
    throw new BackendUnavailableError(`there is no StatefulSet ${target.namespace}/${target.statefulSet} in context ${target.context}${namespace ? '' : ` (no namespace ${target.namespace})`}`, [], {
      hint: target.provider === 'kind' ? '`kdrill cluster up --backend kind` deploys the PostgreSQL fixture' : 'set `target.statefulSet` and `target.namespace` to your PostgreSQL StatefulSet',
    });
  }
  const spec = statefulSet.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } } | undefined;
  const replicas = Number(spec?.replicas ?? 1);
  const podLabels = spec?.selector?.matchLabels;
  if (!podLabels || Object.keys(podLabels).length === 0) {
    throw new BackendUnavailableError(`the StatefulSet ${target.namespace}/${target.statefulSet} selects its pods without matchLabels`, [], { hint: 'kdrill finds the pods by the StatefulSet’s spec.selector.matchLabels' });
  }
  const workload: WorkloadRef = { namespace: target.namespace, statefulSet: target.statefulSet, podLabels, roleLabel: target.roleLabel, patroniPort: target.patroniPort };
  const secretRef = passwordSecretOf(target);
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: target.namespace, name: secretRef.name });
  const encoded = (secret?.data as Record<string, string> | undefined)?.[secretRef.key];
  if (!encoded) throw new BackendUnavailableError(`the Secret ${target.namespace}/${secretRef.name} has no key ${secretRef.key}`, [], { hint: 'set `target.passwordSecret` to the Secret and key of the database password' });
  const password = Buffer.from(encoded, 'base64').toString('utf8');

  const backupTarget: PgBackRestTarget = { workload, stanza: target.backupStanza, container: target.container };
  let latest: ClusterView = await readClusterView(client, workload);
  const view = async (): Promise<ClusterView> => (latest = await readClusterView(client, workload));
  // Read once: a zone partition cuts these too, and what cannot be read is said, not skipped.
  const apiServer = await readApiServerAddresses(client);
  for (const note of apiServer.notes) ctx.log(note);
  const chaosContext = (): ChaosContext => ({
    namespace: target.namespace,
    statefulSet: target.statefulSet,
    podLabels,
    container: target.container,
    controlPlaneAddresses: latest.nodes.filter((n) => n.controlPlane).flatMap((n) => n.addresses),
    apiServerAddresses: apiServer.addresses,
  });
  const { host, readWritePort, readOnlyPort, restorePort } = target.access;
  // The etcd snapshots this run saved, oldest first: an etcd-restore uses the latest.
  const etcdSnapshots: KindEtcdSnapshot[] = [];
  // Instances this run restored, oldest first; removed when the run ends unless kept.
  const restored: { name: string; url: string }[] = [];
  const service = { host, port: readWritePort, user: secretRef.user, password, database: 'postgres' };
  const inCluster = (database: string) => inClusterDatabase(target, database);
  ctx.log(`connected to ${target.context}: StatefulSet ${target.namespace}/${target.statefulSet}, ${latest.pods.length} pods on ${latest.nodes.length} nodes`);
  const replicationWarning = await asynchronousTier0Warning(client, workload, latest, ctx.tier);
  if (replicationWarning) ctx.log(`warning: ${replicationWarning}`);

  return {
    topology: async () => (await view()).topology,
    endpoints: async (): Promise<Endpoints> => ({
      readWrite: `postgresql://${encodeURIComponent(secretRef.user)}@${host}:${readWritePort}/postgres`,
      readOnly: `postgresql://${encodeURIComponent(secretRef.user)}@${host}:${readOnlyPort}/postgres`,
      // The pods have no address kdrill can reach: each member is asked through exec of psql.
      memberSessions: memberSessions(client, await view(), target.namespace, target.container),
      ...(restored.length ? { restored: [...restored] } : {}),
      user: secretRef.user,
      password,
    }),
    injector: (type: FaultType) => {
      if (CHAOS_FAULT_TYPES.includes(type)) return chaosInjector(client, type, chaosContext, timeouts);
      if (NODE_FAULTS.has(type)) return nodeInjector(nodeEnv, type, target, podSelectorOf(workload));
      throw new UnsupportedFaultError(`the kubernetes backend cannot inject ${type} in this version: it injects ${[...CHAOS_FAULT_TYPES, ...NODE_FAULTS.keys()].join(', ')}`);
    },
    act: async (type, params, actx) => {
      if (type === 'failover' || type === 'switchover') return handOver(client, workload, await view(), type, typeof params.to === 'string' ? params.to : undefined, { signal: actx.signal });
      if (type === 'backup') return takePodBackup(client, backupTarget, await view(), (params.type as BackupType | undefined) ?? 'full');
      if (type === 'restore' && params.into !== 'fresh-cluster') {
        const point = restorePointOf(params, actx.entries ?? []);
        const decided = performance.now();
        const result = await restoreIntoPod(client, backupTarget, statefulSet, await view(), {
          point,
          runId: actx.runId,
          timeoutMs: 60 * 60_000,
          log: actx.log ?? ctx.log,
          signal: actx.signal,
          access: { host, port: restorePort, ...(target.provider === 'kind' ? { nodePorts: KIND_RESTORE_NODE_PORTS } : {}) },
          user: secretRef.user,
          onCreated: (name, url) => restored.push({ name, url }),
        });
        return { ...result, ...(point.kind === 'time' ? { basis: point.basis } : {}), totalMs: performance.now() - decided };
      }
      if (type === 'etcd-snapshot' || type === 'etcd-restore') {
        if (target.provider !== 'kind') throw new KdrillError(ErrorCode.STEP_FAILED, `${type} needs provider "kind": kdrill reaches etcd through kind's control-plane node containers`);
        const controlPlane = latest.nodes.filter((n) => n.controlPlane).map((n) => n.name);
        if (type === 'etcd-snapshot') {
          const snapshot = await saveKindEtcdSnapshot(nodeEnv.kind, controlPlane, actx.log ?? ctx.log);
          etcdSnapshots.push(snapshot);
          return { ...snapshot };
        }
        const snapshot = etcdSnapshots.at(-1);
        if (!snapshot) throw new KdrillError(ErrorCode.STEP_FAILED, 'etcd-restore: no etcd snapshot was saved in this run; run an etcd-snapshot step first');
        return { ...(await restoreKindEtcd(client, nodeEnv.kind, controlPlane, snapshot, actx.log ?? ctx.log, nodeEnv.timeouts.readyMs, actx.signal)) };
      }
      throw new KdrillError(ErrorCode.STEP_FAILED, `the kubernetes backend does not run ${type === 'restore' ? 'a restore into a fresh cluster' : type} in this version: it runs failover, switchover, backup, restore into a scratch instance, etcd-snapshot and etcd-restore`);
    },
    backupInventory: async () => podBackupInventory(client, backupTarget, await view(), target.provider === 'kind' ? 'the kind host (/tmp/kdrill-backups, outside every node)' : 'the repository of the pods’ pgBackRest configuration'),
    check: async (condition) => checkCondition(condition, await view(), { replicas, service, lags: (leader) => patroniLags(client, workload, leader) }),
    versions: async () => {
      const containers = (statefulSet.spec as { template?: { spec?: { containers?: { name: string; image: string }[] } } }).template?.spec?.containers ?? [];
      const image = containers.find((c) => c.name === target.container)?.image;
      const server = await client.serverVersion().catch(() => undefined);
      return { ...(server ? { Kubernetes: server } : {}), ...(image ? { 'PostgreSQL image': image } : {}) };
    },
    revertFromRecord,
    startK6Job: (request) => startK6Job(client, { ...request, ...inCluster(request.database) }),
    startLedgerJob: (request) => startLedgerJob(client, { ...request, ...inCluster(request.database) }),
    [Symbol.asyncDispose]: async () => {
      for (const { name, url } of restored.splice(0)) {
        if (ctx.keepRestored) {
          ctx.log(`kept restored instance ${name} (${url}); \`kdrill cleanup\` removes its Pod and Service`);
          if (ctx.runDir) await markKept(ctx.runDir, name);
          continue;
        }
        ctx.log(`removing restored instance ${name}`);
        await removeRestorePod(client, target.namespace, name);
      }
    },
  };
}

function reverterOnly(revertFromRecord: (record: RevertRecord) => Promise<void>): ConnectedBackend {
  const refuse = (what: string) => async (): Promise<never> => {
    throw new KdrillError(ErrorCode.INTERNAL, `${what}: this connection only reverts recorded faults`);
  };
  return {
    topology: refuse('topology'),
    endpoints: refuse('endpoints'),
    injector: () => {
      throw new KdrillError(ErrorCode.INTERNAL, 'inject: this connection only reverts recorded faults');
    },
    act: refuse('act'),
    check: refuse('check'),
    revertFromRecord,
    [Symbol.asyncDispose]: async () => {},
  };
}
