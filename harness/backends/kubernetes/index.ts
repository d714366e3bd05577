import type { ActionType } from '../../actions/types.js';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import type { FaultType } from '../../faults/types.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { Backend, ConnectedBackend, RunContext } from '../types.js';
import { KubeClient } from './client/kube-client.js';
import { connectKubernetes } from './connected.js';
import { describeKubernetesDryRun } from './dry-run.js';
import { refuseNodeFault } from './injectors/node-faults.js';
import { loadKubeConfig } from './kubeconfig.js';
import { markReaped, needsReaping, reapRunObjects } from './reap-run.js';
import type { KubernetesTarget } from './target.js';

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
  loadKubeConfig(kubernetesTarget(target));
}

async function connect(target: Scenario['target'], ctx: RunContext): Promise<ConnectedBackend> {
  const k8s = kubernetesTarget(target);
  const client = new KubeClient(loadKubeConfig(k8s));
  return connectKubernetes(k8s, client, ctx);
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
    if (!(await needsReaping(run.dir, run.ended))) return [];
    const t = kubernetesTarget(target);
    const removed = await reapRunObjects(new KubeClient(loadKubeConfig(t), { retry: { attempts: 2, baseDelayMs: 200 } }), t.namespace, run.id);
    await markReaped(run.dir);
    return removed;
  },
  describeDryRun: (plan, target, load) => describeKubernetesDryRun(plan, kubernetesTarget(target), load),
};
