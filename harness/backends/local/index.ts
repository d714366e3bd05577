import { ACTIONS } from '../../actions/api.js';
import type { ActionType } from '../../actions/types.js';
import { BackendUnavailableError } from '../../common/errors.js';
import { faultDefinition } from '../../faults/api.js';
import type { FaultType } from '../../faults/types.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { Backend, ConnectedBackend } from '../types.js';

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
]);

const LOCAL_ACTIONS: ReadonlySet<ActionType> = new Set(ACTIONS.keys());

// Why a fault cannot run on this local target, or undefined when it can.
// Loopback mode has no network namespaces, so faults that cut or shape links are refused.
function refuse(fault: FaultType, target: Scenario['target']): string | undefined {
  if (target.backend !== 'local' || target.privilege !== 'loopback') return undefined;
  if (!faultDefinition(fault).needsNetwork) return undefined;
  return (
    `${fault} needs network namespaces, which loopback mode does not have: every node shares 127.0.0.0/8; ` +
    'run as root or allow unprivileged user namespaces'
  );
}

// Capabilities only for now: the runtime (namespaces, etcd, Patroni, HAProxy, pgBackRest) comes later.
async function connect(): Promise<ConnectedBackend> {
  throw new BackendUnavailableError('the local backend is not available yet: its runtime lands in a later version (issue 3)', [], {
    hint: 'use `target: { backend: fake }` to exercise a scenario in memory meanwhile',
  });
}

export const localBackend: Backend = {
  kind: 'local',
  summary:
    'A real cluster on this machine: zones of network-namespace nodes, each with etcd and Patroni-managed PostgreSQL, HAProxy in front, pgBackRest backups.',
  faults: LOCAL_FAULTS,
  actions: LOCAL_ACTIONS,
  refuse,
  // Until the runtime lands, preflight says so before a run directory is created.
  preflight: async () => {
    await connect();
  },
  connect,
};
