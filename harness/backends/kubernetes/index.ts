import type { ActionType } from '../../actions/types.js';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import type { FaultType } from '../../model/fault.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { Backend, ConnectedBackend, RunContext } from '../types.js';
import { refuseNodeFault } from './injectors/node-mechanisms.js';
import type { KubernetesTarget } from './target.js';

// The API client (@kubernetes/client-node, about 80 MB and half a second to load) is imported
// only when a command reaches a cluster: `validate` and `plan` never load it.
const client = async () => {
  const [{ KubeClient }, { loadKubeConfig }] = await Promise.all([import('./client/kube-client.js'), import('./kubeconfig.js')]);
  return { KubeClient, loadKubeConfig };
};

const KUBERNETES_FAULTS: ReadonlySet<FaultType> = new Set<FaultType>([
  'pod-kill',
  'pod-failure',
  'network-delay',
  'network-loss',
  'zone-partition',
  'zone-pair-partition',
  'cpu-stress',
  'memory-stress',
  'io-latency',
  'io-fault',
  'clock-skew',
  'node-crash',
  'node-freeze',
  'node-isolation',
  'node-drain',
  'zone-outage',
  'primary-crash',
  'etcd-member-kill',
  'etcd-quorum-loss',
]);

const KUBERNETES_ACTIONS: ReadonlySet<ActionType> = new Set<ActionType>(['failover', 'switchover', 'backup', 'restore', 'etcd-snapshot', 'etcd-restore']);

function kubernetesTarget(target: Scenario['target']): KubernetesTarget {
  if (target.backend !== 'kubernetes') throw new KdrillError(ErrorCode.INTERNAL, `the kubernetes backend cannot connect to a ${target.backend} target`);
  return target;
}

// The kubeconfig and context exist and are allow-listed; nothing is read from the cluster yet.
async function preflight(target: Scenario['target']): Promise<void> {
  (await client()).loadKubeConfig(kubernetesTarget(target));
}

async function connect(target: Scenario['target'], ctx: RunContext): Promise<ConnectedBackend> {
  const k8s = kubernetesTarget(target);
  const { KubeClient, loadKubeConfig } = await client();
  const { connectKubernetes } = await import('./connected.js');
  return connectKubernetes(k8s, new KubeClient(loadKubeConfig(k8s)), ctx);
}

export const kubernetesBackend: Backend = {
  kind: 'kubernetes',
  summary:
    'kind or a real cluster: zones are node labels; faults are Chaos Mesh objects, node operations and etcd member operations.',
  faults: KUBERNETES_FAULTS,
  actions: KUBERNETES_ACTIONS,
  refuse: (fault, target) => (target.backend === 'kubernetes' ? refuseNodeFault(fault, target) : undefined),
  refuseAction: (action, target) =>
    target.backend === 'kubernetes' && target.provider !== 'kind' && (action === 'etcd-snapshot' || action === 'etcd-restore')
      ? `${action} reaches etcd through kind's control-plane node containers: it needs provider "kind" (a managed control plane's etcd belongs to its provider)`
      : undefined,
  preflight,
  connect,
  reapRun: async (target, run) => {
    const { markReaped, needsReaping, reapRunObjects } = await import('./reap-run.js');
    if (!(await needsReaping(run.dir, run.ended))) return [];
    const t = kubernetesTarget(target);
    const { KubeClient, loadKubeConfig } = await client();
    const removed = await reapRunObjects(new KubeClient(loadKubeConfig(t), { retry: { attempts: 2, baseDelayMs: 200 } }), t.namespace, run.id);
    await markReaped(run.dir);
    return removed;
  },
  describeDryRun: async (plan, target, load) => (await import('./dry-run.js')).describeKubernetesDryRun(plan, kubernetesTarget(target), load),
};
