import { readInputFile } from '../../common/input-file.js';
import { k6OnPath } from '../../load/k6/driver.js';
import { bundleLedgerDriver } from '../../load/ledger-remote/bundle.js';
import type { Plan } from '../../scenario/plan-types.js';
import type { DryRunLoad } from '../types.js';
import type { Topology } from '../../model/topology.js';
import { KubeClient } from './client/kube-client.js';
import type { KubeObject } from './client/types.js';
import { podSelectorOf, readClusterView, type ClusterView, type WorkloadRef } from './cluster-view.js';
import { podSelectorLabels } from './objects/postgres/options.js';
import { CHAOS_FAULTS } from './injectors/chaos-faults.js';
import { chaosName, chaosPlan, nodePlan } from './injectors/index.js';
import { START_ETCD, STOP_ETCD } from './etcd/static-pods.js';
import { NODE_FAULTS, type NodeFaultData } from './injectors/node-faults.js';
import { kubeconfigFiles, loadKubeConfig } from './kubeconfig.js';
import type { ChaosObject } from './objects/chaos/types.js';
import { KIND_BACKUP_DIR, KIND_RESTORE_NODE_PORT, KIND_RESTORE_NODE_PORTS } from './kind/plan.js';
import { readApiServerAddresses } from './injectors/api-server.js';
import { objectName, runLabels } from './objects/labels.js';
import { postgresFixture } from './objects/postgres/index.js';
import { DEFAULT_FIXTURE } from './objects/postgres/options.js';
import { generatePasswords } from './objects/postgres/secret.js';
import { scratchLayout, scratchPod, scratchService } from './restore/scratch-pod.js';
import { renderManifests } from './objects/render.js';
import { k6Job, k6ScriptConfigMap } from './objects/jobs/k6-job.js';
import { ledgerDriverConfigMap, ledgerDriverJob } from './objects/jobs/ledger-job.js';
import { inClusterDatabase, type KubernetesTarget } from './target.js';

// The kind cluster of kind-config.yaml with the fixture as `cluster up` leaves it: what a
// dry run resolves selectors against when the cluster cannot be read.
export function nominalKindTopology(target: KubernetesTarget): Topology {
  const zones = ['zone-a', 'zone-b', 'zone-c'];
  return {
    zones: [
      { name: 'control-plane', nodes: [{ name: 'kdrill-control-plane', zone: 'control-plane', address: '172.18.0.2', members: [{ name: 'etcd-kdrill-control-plane', kind: 'etcd', role: 'unknown' }] }] },
      ...zones.map((zone, z) => ({
        name: zone,
        nodes: [1, 2].map((i) => {
          const n = z * 2 + i;
          const name = `kdrill-worker${n === 1 ? '' : n}`;
          return { name, zone, address: `172.18.0.${2 + n}`, members: i === 1 ? [{ name: `${target.statefulSet}-${z}`, kind: 'postgresql' as const, role: z === 0 ? ('primary' as const) : ('replica' as const) }] : [] };
        }),
      })),
    ],
  };
}

// The fixture's pod labels: a dry run does not read the StatefulSet's selector.
function nominalWorkload(target: KubernetesTarget): WorkloadRef {
  return { namespace: target.namespace, statefulSet: target.statefulSet, podLabels: podSelectorLabels({ name: target.statefulSet }), roleLabel: target.roleLabel, patroniPort: target.patroniPort };
}

// Reads the live view (nothing is changed), with the client that read it, or says why it
// could not.
async function liveView(target: KubernetesTarget): Promise<{ view: ClusterView; client: KubeClient } | string> {
  try {
    const client = new KubeClient(loadKubeConfig(target), { retry: { attempts: 1, baseDelayMs: 1 }, readOnly: true });
    const view = await Promise.race([
      readClusterView(client, nominalWorkload(target)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10s')), 10_000).unref()),
    ]);
    return { view, client };
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}

// Every object and node operation the plan's faults would create, resolved against the live
// topology when the cluster can be read, otherwise against the nominal kind topology.
export async function describeKubernetesDryRun(plan: Plan, target: KubernetesTarget, load?: DryRunLoad): Promise<string> {
  const live = await liveView(target);
  const topology = typeof live === 'string' ? nominalKindTopology(target) : live.view.topology;
  const out: string[] = [
    typeof live === 'string'
      ? `# Selectors resolved against the nominal kind topology (the cluster could not be read: ${live}); a run resolves them against the live cluster when each fault starts.`
      : `# Selectors resolved against context ${target.context} as it is now, read (GET requests only, nothing written) through your kubeconfig ${kubeconfigFiles().join(', ')}; a run resolves them again when each fault starts.`,
  ];
  const controlPlaneAddresses = topology.zones.find((z) => z.name === 'control-plane')?.nodes.flatMap((n) => (n.address ? [n.address] : [])) ?? [];
  // The API server's cluster IPs a zone partition cuts too (GETs only, as for the topology).
  const apiServer = typeof live === 'string' ? undefined : await readApiServerAddresses(live.client);
  if (typeof live === 'string') out.push("# A zone-partition's externalTargets shown here lack the `kubernetes` Service's cluster IPs and Endpoints: a run reads them from the cluster.");
  for (const note of apiServer?.notes ?? []) out.push(`# ${note}`);
  const objects: ChaosObject[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'fault') continue;
    const { type, params } = step.fault;
    try {
      if (CHAOS_FAULTS.has(type)) {
        const planned = chaosPlan(type, params, topology, { namespace: target.namespace, statefulSet: target.statefulSet, podLabels: nominalWorkload(target).podLabels, container: target.container, controlPlaneAddresses, ...(apiServer ? { apiServerAddresses: apiServer.addresses } : {}) });
        const object = structuredClone((planned.resolved as { object: ChaosObject }).object);
        object.metadata.name = chaosName(type, 'dry-run', step.id);
        object.metadata.labels = runLabels('<run id>', step.id);
        out.push(`# step ${step.name}: ${planned.description}`);
        objects.push(object);
      } else if (NODE_FAULTS.has(type)) {
        const planned = nodePlan(type, params, topology, target, podSelectorOf(nominalWorkload(target)));
        const data = planned.resolved as NodeFaultData;
        out.push(`# step ${step.name}: ${planned.description}`);
        for (const node of data.nodes) out.push(`#   ${nodeOperation(data, node)}`);
      } else out.push(`# step ${step.name}: ${type} is not injected by the kubernetes backend in this version`);
    } catch (error) {
      out.push(`# step ${step.name}: ${(error as Error).message}`);
    }
  }
  const jobs = load ? await loadJobObjects(load, target) : { lines: [], objects: [] };
  const restores = await restoreObjects(plan, target, typeof live === 'string' ? undefined : live.client);
  return [
    ...out,
    objects.length ? renderManifests(objects) : '# no Chaos Mesh objects',
    // Each part its own YAML documents: a comment does not end a document, `---` does.
    ...[jobs, restores].flatMap((part) => (part.objects.length ? ['---', ...part.lines, renderManifests(part.objects)] : part.lines)),
  ].join('\n');
}

// Each scratch-instance restore's pod and Service, built from the StatefulSet's pod template
// (the live one when it can be read, else the fixture's); which backup it restores, and to
// what point, is decided when the step runs.
async function restoreObjects(plan: Plan, target: KubernetesTarget, client: KubeClient | undefined): Promise<{ lines: string[]; objects: KubeObject[] }> {
  const steps = plan.steps.filter((s) => s.kind === 'action' && s.action.type === 'restore' && s.action.params.into !== 'fresh-cluster');
  if (steps.length === 0) return { lines: [], objects: [] };
  let statefulSet = (await client?.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: target.namespace, name: target.statefulSet }).catch(() => undefined)) ?? undefined;
  const source = statefulSet ? `the live StatefulSet ${target.namespace}/${target.statefulSet}` : "the fixture's StatefulSet";
  statefulSet ??= postgresFixture({ ...DEFAULT_FIXTURE, namespace: target.namespace, name: target.statefulSet, backupHostPath: KIND_BACKUP_DIR }, generatePasswords()).find((o) => o.kind === 'StatefulSet');
  const lines: string[] = [];
  const objects: KubeObject[] = [];
  for (const [index, step] of steps.entries()) {
    const name = objectName('kdrill-restore-dry-run', String(index + 1));
    const labels = runLabels('<run id>');
    try {
      const { template, claimNames, dataDir } = scratchLayout(statefulSet!, target.container);
      const restoreArgs = [`--pg1-path=${dataDir}`, '<--set and --target: the backup and point chosen when the step runs>', 'restore'];
      objects.push(scratchPod({ name, namespace: target.namespace, labels, template, claimNames, container: target.container, stanza: target.backupStanza, restoreArgs, dataDir }) as KubeObject);
      objects.push(scratchService({ name, namespace: target.namespace, labels, ...(target.provider === 'kind' ? { nodePort: KIND_RESTORE_NODE_PORT } : {}) }) as KubeObject);
      lines.push(`# step ${step.name}: a scratch pod and its Service, from ${source}${target.provider === 'kind' ? `; the Service's NodePort is the first of ${KIND_RESTORE_NODE_PORTS.first}-${KIND_RESTORE_NODE_PORTS.first + KIND_RESTORE_NODE_PORTS.count - 1} no Service holds when the step runs (${KIND_RESTORE_NODE_PORT} shown)` : ''}`);
    } catch (error) {
      lines.push(`# step ${step.name}: ${(error as Error).message}`);
    }
  }
  return { lines, objects };
}

// The Job and ConfigMap of a load that runs in the cluster; the bundled ledger driver is
// shown by its size, not its 100 KB of minified code.
async function loadJobObjects(load: DryRunLoad, target: KubernetesTarget): Promise<{ lines: string[]; objects: KubeObject[] }> {
  const { spec } = load;
  const inCluster = spec.runIn === 'cluster' || (spec.runIn === undefined && spec.driver === 'k6' && !k6OnPath());
  if (!inCluster || (spec.driver !== 'ledger' && spec.driver !== 'k6')) return { lines: [], objects: [] };
  const common = { labels: runLabels('<run id>'), rate: spec.rate, maxDurationMs: load.maxDurationMs, ...inClusterDatabase(target, load.database) };
  if (spec.driver === 'k6') {
    const script = load.script ? readScript(load.script) : '';
    const options = { ...common, name: 'kdrill-k6-dry-run', script, vus: spec.concurrency };
    return { lines: ['# the load: k6 as a Job'], objects: [k6ScriptConfigMap(options), k6Job(options)] as KubeObject[] };
  }
  const bundle = await bundleLedgerDriver();
  const options = { ...common, name: 'kdrill-ledger-dry-run', bundle: `<the bundled ledger driver, ${Math.round(Buffer.byteLength(bundle) / 1024)} KiB>`, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout };
  return { lines: ['# the load: the ledger driver as a Job'], objects: [ledgerDriverConfigMap(options), ledgerDriverJob(options)] as KubeObject[] };
}

// The loader has read and checked the script already; this reads it again, as bounded.
function readScript(file: string): string {
  try {
    return readInputFile(file, 'k6 script');
  } catch (error) {
    return `# ${(error as Error).message}`;
  }
}

function nodeOperation(data: NodeFaultData, node: string): string {
  switch (data.mechanism) {
    case 'crash':
      return data.provider === 'kind' ? `$ docker kill --signal KILL ${node}   (revert: docker start ${node})` : `$ ${(data.nodeCommands?.stop ?? []).join(' ').replaceAll('{node}', node)}`;
    case 'freeze':
      return `$ docker pause ${node}   (revert: docker unpause ${node})`;
    case 'isolate':
      return `$ docker network disconnect kind ${node}   (revert: docker network connect kind ${node})`;
    case 'drain':
      return `cordon ${node} and evict its pods through their PodDisruptionBudgets   (revert: uncordon)`;
    case 'etcd-stop':
      return `$ docker exec ${node} sh -c "${STOP_ETCD}"   (revert: ${START_ETCD})`;
  }
}
