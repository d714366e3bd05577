// Every fault type kdrill knows. Backends declare which of these they can inject.
export const FAULT_TYPES = [
  'node-crash',
  'node-freeze',
  'node-isolation',
  'node-drain',
  'zone-outage',
  'zone-partition',
  'zone-pair-partition',
  'primary-crash',
  'postgres-kill',
  'pod-kill',
  'pod-failure',
  'network-delay',
  'network-loss',
  'cpu-stress',
  'memory-stress',
  'io-latency',
  'io-fault',
  'clock-skew',
  'etcd-member-kill',
  'etcd-quorum-loss',
  'etcd-data-loss',
  'cluster-loss',
  'backup-corruption',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

// Parameters of a planned fault after validation: plain JSON.
export type FaultParams = Record<string, unknown>;

// The undo, persisted before the harm so `kdrill cleanup` can revert after a crash.
// Data, never code: the backend that armed it knows how to interpret it.
export interface RevertRecord {
  readonly backend: string;
  readonly type: FaultType;
  readonly faultId: string;
  readonly runId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

// The id of the fault a step arms: unique in the run, a DNS label ("s2", or "s2-kill-primary").
export function faultIdFor(step: { readonly id: string; readonly name: string }): string {
  return step.name === step.id ? step.id : `${step.id}-${step.name}`;
}

// The step a fault id names: the inverse of faultIdFor.
export function parseFaultId(faultId: string): { stepId: string; name: string } | undefined {
  const match = /^(s\d+)(?:-(.+))?$/.exec(faultId);
  if (!match) return undefined;
  return { stepId: match[1]!, name: match[2] ?? match[1]! };
}
