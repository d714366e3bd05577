import { conditionTrue } from '../client/conditions.js';
import type { KubeObject } from '../client/types.js';

// One entry of a chaos object's status.experiment.containerRecords (Chaos Mesh v2.8.3,
// api/v1alpha1/common_types.go `Record`): a target Chaos Mesh selected — a pod "ns/name" or a
// container "ns/pod/container" — the selector it came from ("." the selector, ".Target" a
// NetworkChaos's target), and its phase: "Injected", "Not Injected", or an implementation's
// waiting phase such as "Not Injected/wait".
export interface ChaosRecord {
  readonly id: string;
  readonly selectorKey: string;
  readonly phase: string;
  readonly injectedCount?: number;
  readonly recoveredCount?: number;
  readonly events?: readonly { readonly type: string; readonly operation: string; readonly message?: string }[];
}

const INJECTED = 'Injected';
const NOT_INJECTED = 'Not Injected';

export function recordsOf(object: KubeObject | undefined): readonly ChaosRecord[] {
  const status = object?.status as { experiment?: { containerRecords?: ChaosRecord[] } } | undefined;
  return status?.experiment?.containerRecords ?? [];
}

// What a chaos object's status says of its injection. Chaos Mesh's condition controller
// derives Selected (records exist) and AllInjected (every record Injected) from the records,
// so AllInjected over no records would be vacuous: kdrill requires records, every one injected.
export type InjectionState = { readonly state: 'injected'; readonly records: readonly ChaosRecord[] } | { readonly state: 'nothing-selected' } | { readonly state: 'pending' };

export function injectionState(object: KubeObject): InjectionState {
  const records = recordsOf(object);
  if (!conditionTrue(object, 'Selected') || !conditionTrue(object, 'AllInjected')) return { state: 'pending' };
  if (records.length === 0) return { state: 'nothing-selected' };
  return records.every((r) => r.phase === INJECTED) ? { state: 'injected', records } : { state: 'pending' };
}

// The selected targets by record id: `selected` from the selector, `targets` from a
// NetworkChaos's target. Sorted: Chaos Mesh lists them in no stable order.
export function selectedTargets(records: readonly ChaosRecord[]): { selected: string[]; targets?: string[] } {
  const ids = (key: string) => records.filter((r) => r.selectorKey === key).map((r) => r.id).sort();
  const targets = ids('.Target');
  return { selected: ids('.'), ...(targets.length ? { targets } : {}) };
}

// The conditions kdrill decides on and the records not there yet, for an error message:
// "Selected=True, AllInjected=False; not injected: ns/pod (Not Injected: <last failure>)",
// or for a removal "AllRecovered=False; not recovered: ns/pod (Injected)".
export function describeStatus(object: KubeObject | undefined, goal: 'inject' | 'recover' = 'inject'): string {
  const conditions = (object?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  if (!conditions.length && !recordsOf(object).length) return 'no status yet';
  const flag = (type: string) => `${type}=${conditions.find((c) => c.type === type)?.status ?? 'Unknown'}`;
  const wanted = goal === 'inject' ? INJECTED : NOT_INJECTED;
  const pending = recordsOf(object).filter((r) => r.phase !== wanted);
  const failure = (r: ChaosRecord) => r.events?.filter((e) => e.type === 'Failed').at(-1)?.message;
  const listed = pending.map((r) => `${r.id} (${r.phase}${failure(r) ? `: ${failure(r)}` : ''})`);
  const flags = goal === 'inject' ? `${flag('Selected')}, ${flag('AllInjected')}` : flag('AllRecovered');
  return `${flags}${listed.length ? `; not ${goal === 'inject' ? 'injected' : 'recovered'}: ${listed.join(', ')}` : ''}`;
}

// A PodSelectorSpec as a person reads it: "pods ns/a" or "pods labelled k=v in ns on nodes …".
export function describeSelector(selector: Readonly<Record<string, unknown>> | undefined): string {
  const s = (selector ?? {}) as { namespaces?: string[]; pods?: Record<string, string[]>; labelSelectors?: Record<string, string>; nodes?: string[]; nodeSelectors?: Record<string, string> };
  if (s.pods && Object.keys(s.pods).length) return `pods ${Object.entries(s.pods).flatMap(([ns, names]) => names.map((n) => `${ns}/${n}`)).join(', ')}`;
  const pairs = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k}=${v}`).join(',');
  const parts = [`pods${s.labelSelectors ? ` labelled ${pairs(s.labelSelectors)}` : ''} in ${(s.namespaces ?? []).join(', ') || 'any namespace'}`];
  if (s.nodes?.length) parts.push(`on nodes ${s.nodes.join(', ')}`);
  if (s.nodeSelectors) parts.push(`on nodes labelled ${pairs(s.nodeSelectors)}`);
  return parts.join(' ');
}
