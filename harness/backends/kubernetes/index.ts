import type { ActionType } from '../../actions/types.js';
import { BackendUnavailableError } from '../../common/errors.js';
import type { FaultType } from '../../faults/types.js';
import type { Backend, ConnectedBackend } from '../types.js';

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

const KUBERNETES_ACTIONS: ReadonlySet<ActionType> = new Set<ActionType>([
  'failover',
  'switchover',
  'backup',
  'restore',
  'etcd-snapshot',
  'etcd-restore',
]);

// Capabilities only for now: the client (Chaos Mesh objects, node and etcd operations) comes later.
async function connect(): Promise<ConnectedBackend> {
  throw new BackendUnavailableError('the kubernetes backend is not available yet: its runtime lands in a later version (issue 7)', [], {
    hint: 'use `target: { backend: fake }` to exercise a scenario in memory meanwhile',
  });
}

export const kubernetesBackend: Backend = {
  kind: 'kubernetes',
  summary:
    'kind or a real cluster: zones are node labels; faults are Chaos Mesh objects, node operations and etcd member operations.',
  faults: KUBERNETES_FAULTS,
  actions: KUBERNETES_ACTIONS,
  // Until the runtime lands, preflight says so before a run directory is created.
  preflight: async () => {
    await connect();
  },
  connect,
};
