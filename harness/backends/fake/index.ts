import { revertOnceHandle } from '../../faults/handle.js';
import { ACTIONS } from '../../actions/api.js';
import type { ActionType } from '../../actions/types.js';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import { parseFaultId } from '../../model/fault.js';
import { type FaultHandle, type FaultPlan, type InjectContext, type Injector } from '../../faults/types.js';
import { FAULT_TYPES, type FaultType, type RevertRecord } from '../../model/fault.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { ActionContext, Backend, ConnectedBackend } from '../types.js';
import type { Topology } from '../../model/topology.js';

// In-memory cluster for engine tests (jepsen's atom-db): one node per zone, "<zone>-1", the
// first zone's node primary. Faults take nodes down (or etcd, or just degrade them), a lost
// primary promotes the first node still up, and reverts heal. Nothing leaves the process.

export type FakeEffect = 'down' | 'etcd-down' | 'degraded';

const EFFECTS: Readonly<Record<FaultType, FakeEffect>> = {
  'node-crash': 'down',
  'node-freeze': 'down',
  'node-isolation': 'down',
  'node-drain': 'down',
  'zone-outage': 'down',
  'zone-partition': 'down',
  'primary-crash': 'down',
  'postgres-kill': 'down',
  'pod-kill': 'down',
  'pod-failure': 'down',
  'cluster-loss': 'down',
  'etcd-member-kill': 'etcd-down',
  'etcd-quorum-loss': 'etcd-down',
  'etcd-data-loss': 'etcd-down',
  'zone-pair-partition': 'degraded',
  'network-delay': 'degraded',
  'network-loss': 'degraded',
  'cpu-stress': 'degraded',
  'memory-stress': 'degraded',
  'io-latency': 'degraded',
  'io-fault': 'degraded',
  'clock-skew': 'degraded',
  // The fake keeps no backups: a damaged one shows as a degraded node until reverted.
  'backup-corruption': 'degraded',
};

export interface FakeNode {
  readonly name: string;
  readonly zone: string;
  // Ids of the armed faults holding this node in each condition; empty = healthy.
  readonly downBy: Set<string>;
  readonly etcdDownBy: Set<string>;
  readonly degradedBy: Set<string>;
}

// Every operation, in order, so tests can assert e.g. that the revert record was journalled
// before the harm.
export type FakeEvent =
  | { op: 'connect' }
  | { op: 'dispose' }
  | { op: 'inject-refused'; fault: string }
  | { op: 'armed-journalled'; fault: string }
  | { op: 'harm'; fault: string; effect: FakeEffect; nodes: string[] }
  | { op: 'heal'; fault: string; effect: FakeEffect; nodes: string[]; from: 'handle' | 'record' }
  | { op: 'revert-failed'; fault: string }
  | { op: 'promote'; node: string }
  | { op: 'act'; type: ActionType; params: Readonly<Record<string, unknown>> }
  | { op: 'check'; condition: string; met: boolean };

// The fake cluster's state: inspect it, or set the failure knobs, from tests.
export interface FakeState {
  readonly nodes: Map<string, FakeNode>;
  primary: string | undefined;
  readonly events: FakeEvent[];
  readonly connections: number;
  // Step names or ids whose inject throws before harm: a test's switch, never the scenario's.
  readonly failInject: Set<string>;
  // ...whose inject throws after journalling the record and doing the harm.
  readonly failInjectAfterArm: Set<string>;
  // ...whose handle revert and revertFromRecord throw.
  readonly failRevert: Set<string>;
  readonly failAct: Set<ActionType>;
  // Scripted answers per wait condition, used up first; then the state decides.
  readonly script: Map<string, boolean[]>;
  // True when nothing is down, degraded or armed.
  healthy(): boolean;
}

interface MutableState extends FakeState {
  connections: number;
}

// A fake backend bound to one inspectable state. The cluster is built from the target's zones
// on the first connect; later connects (like `kdrill cleanup` after a crash) see the same cluster.
export function createFakeBackend(): { backend: Backend; state: FakeState } {
  const state: MutableState = {
    nodes: new Map(),
    primary: undefined,
    events: [],
    connections: 0,
    failInject: new Set(),
    failInjectAfterArm: new Set(),
    failRevert: new Set(),
    failAct: new Set(),
    script: new Map(),
    healthy: () => [...state.nodes.values()].every((n) => n.downBy.size + n.etcdDownBy.size + n.degradedBy.size === 0),
  };
  const backend: Backend = {
    kind: 'fake',
    summary: 'An in-memory cluster for engine tests and dry exercises of a scenario: faults change data structures only.',
    faults: new Set(FAULT_TYPES),
    actions: new Set(ACTIONS.keys()),
    connect: async (target) => connectFake(state, target),
  };
  return { backend, state };
}

// The registry's fake backend: every connect gets a fresh cluster.
export const fakeBackend: Backend = {
  ...createFakeBackend().backend,
  connect: (target, ctx) => createFakeBackend().backend.connect(target, ctx),
};

function connectFake(state: MutableState, target: Scenario['target']): ConnectedBackend {
  if (target.backend !== 'fake') {
    throw new KdrillError(ErrorCode.INTERNAL, `the fake backend cannot connect to a "${target.backend}" target`);
  }
  if (state.nodes.size === 0) {
    for (const zone of target.zones) {
      const name = `${zone}-1`;
      state.nodes.set(name, { name, zone, downBy: new Set(), etcdDownBy: new Set(), degradedBy: new Set() });
    }
    state.primary = `${target.zones[0]}-1`;
  }
  state.connections += 1;
  state.events.push({ op: 'connect' });
  return {
    topology: async () => topologyOf(state),
    endpoints: async () => ({ readWrite: 'fake://primary', readOnly: 'fake://replicas' }),
    injector: (type) => fakeInjector(state, type),
    act: async (type, params, ctx) => act(state, type, params, ctx),
    check: async (condition) => check(state, condition),
    revertFromRecord: async (record) => revertFromRecord(state, record),
    [Symbol.asyncDispose]: async () => {
      state.events.push({ op: 'dispose' });
    },
  };
}

function topologyOf(state: FakeState): Topology {
  const zones = new Map<string, Topology['zones'][number]['nodes'][number][]>();
  for (const node of state.nodes.values()) {
    const up = node.downBy.size === 0;
    const members = [
      { name: node.name, kind: 'postgresql' as const, role: !up ? ('down' as const) : node.name === state.primary ? ('primary' as const) : ('replica' as const) },
      { name: `${node.name}-etcd`, kind: 'etcd' as const, role: up && node.etcdDownBy.size === 0 ? ('unknown' as const) : ('down' as const) },
    ];
    zones.set(node.zone, [...(zones.get(node.zone) ?? []), { name: node.name, zone: node.zone, members }]);
  }
  return { zones: [...zones].map(([name, nodes]) => ({ name, nodes })) };
}

function fakeInjector(state: MutableState, type: FaultType): Injector {
  return {
    type,
    plan: (params, topology) => {
      const targets = resolveTargets(type, params, topology);
      return { type, params, targets, description: `${type} on ${targets.join(', ') || 'nothing'} (fake)` };
    },
    inject: (plan, ctx) => inject(state, plan, ctx),
  };
}

async function inject(state: MutableState, plan: FaultPlan, ctx: InjectContext): Promise<FaultHandle> {
  const fault = ctx.faultId;
  if (matches(state.failInject, fault)) {
    state.events.push({ op: 'inject-refused', fault });
    throw new KdrillError(ErrorCode.STEP_FAILED, `fake: injecting ${fault} fails (failInject)`);
  }
  const effect = EFFECTS[plan.type];
  const record: RevertRecord = { backend: 'fake', type: plan.type, faultId: fault, runId: ctx.runId, data: { effect, nodes: [...plan.targets] } };
  // The undo is durable before the harm.
  await ctx.arm(record);
  state.events.push({ op: 'armed-journalled', fault });
  ctx.signal.throwIfAborted();
  for (const name of plan.targets) setOf(node(state, name), effect).add(fault);
  state.events.push({ op: 'harm', fault, effect, nodes: [...plan.targets] });
  electPrimary(state);
  await ctx.effective();
  if (matches(state.failInjectAfterArm, fault)) throw new KdrillError(ErrorCode.STEP_FAILED, `fake: ${fault} failed half-way (failInjectAfterArm)`);

  return revertOnceHandle(record, async () => heal(state, record, 'handle'));
}

// Undoes a fault from its record's data alone; healing twice is harmless.
async function revertFromRecord(state: MutableState, record: RevertRecord): Promise<void> {
  if (record.backend !== 'fake') throw new KdrillError(ErrorCode.INTERNAL, `the fake backend cannot revert a "${record.backend}" record`);
  heal(state, record, 'record');
}

function heal(state: MutableState, record: RevertRecord, from: 'handle' | 'record'): void {
  const fault = record.faultId;
  if (matches(state.failRevert, fault)) {
    state.events.push({ op: 'revert-failed', fault });
    throw new KdrillError(ErrorCode.REVERT_FAILED, `fake: reverting ${fault} fails (failRevert)`);
  }
  const { effect, nodes } = recordData(record);
  for (const name of nodes) {
    const n = state.nodes.get(name);
    if (n) setOf(n, effect).delete(fault);
  }
  state.events.push({ op: 'heal', fault, effect, nodes, from });
  electPrimary(state);
}

function recordData(record: RevertRecord): { effect: FakeEffect; nodes: string[] } {
  const { effect, nodes } = record.data as { effect?: unknown; nodes?: unknown };
  if ((effect !== 'down' && effect !== 'etcd-down' && effect !== 'degraded') || !Array.isArray(nodes)) {
    throw new KdrillError(ErrorCode.JOURNAL_CORRUPT, `revert record of ${record.faultId} has no fake effect and node list`);
  }
  return { effect, nodes: nodes.map(String) };
}

// Promotes the first node still up when the primary is down or missing (Patroni's failover).
function electPrimary(state: MutableState): void {
  if (state.primary && state.nodes.get(state.primary)?.downBy.size === 0) return;
  const next = [...state.nodes.values()].find((n) => n.downBy.size === 0);
  state.primary = next?.name;
  if (next) state.events.push({ op: 'promote', node: next.name });
}

function check(state: MutableState, condition: string): { met: boolean; detail?: unknown } {
  const scripted = state.script.get(condition)?.shift();
  const met = scripted ?? conditionHolds(state, condition);
  state.events.push({ op: 'check', condition, met });
  return { met, detail: { primary: state.primary ?? null, scripted: scripted !== undefined } };
}

function conditionHolds(state: FakeState, condition: string): boolean {
  const nodes = [...state.nodes.values()];
  switch (condition) {
    case 'service-restored':
    case 'leader-elected':
      return state.primary !== undefined;
    case 'redundancy-restored':
    case 'replication-caught-up':
      return nodes.every((n) => n.downBy.size === 0);
    default:
      return state.healthy();
  }
}

async function act(state: MutableState, type: ActionType, params: Readonly<Record<string, unknown>>, ctx: ActionContext): Promise<Record<string, unknown>> {
  ctx.signal.throwIfAborted();
  state.events.push({ op: 'act', type, params });
  if (state.failAct.has(type)) throw new KdrillError(ErrorCode.STEP_FAILED, `fake: action ${type} fails (failAct)`);
  if (type === 'failover' || type === 'switchover') {
    const next = [...state.nodes.values()].find((n) => n.downBy.size === 0 && n.name !== state.primary);
    if (next) {
      state.primary = next.name;
      state.events.push({ op: 'promote', node: next.name });
    }
  }
  return { type, primary: state.primary ?? null };
}

// Node names a fault lands on, from its parameters and the topology (pure).
function resolveTargets(type: FaultType, params: Readonly<Record<string, unknown>>, topology: Topology): string[] {
  const nodes = topology.zones.flatMap((z) => z.nodes);
  const primary = nodes.find((n) => n.members.some((m) => m.kind === 'postgresql' && m.role === 'primary'));
  const byName = (selector: unknown): string[] => {
    const name = selector === 'primary' ? primary?.name : selector === 'replica' ? nodes.find((n) => n !== primary && n.members.some((m) => m.role === 'replica'))?.name : selector;
    const found = nodes.find((n) => n.name === name);
    if (!found) throw new KdrillError(ErrorCode.STEP_FAILED, `fake: no node ${String(selector)} in zones ${topology.zones.map((z) => z.name).join(', ')}`);
    return [found.name];
  };
  const byZone = (selector: unknown): string[] => {
    const zone = selector === 'primary' ? primary?.zone : selector;
    const found = topology.zones.find((z) => z.name === zone);
    if (!found) throw new KdrillError(ErrorCode.STEP_FAILED, `fake: no zone ${String(selector)}`);
    return found.nodes.map((n) => n.name);
  };
  if (type === 'cluster-loss') return nodes.map((n) => n.name);
  if (type === 'primary-crash') return byName('primary');
  if (type === 'etcd-quorum-loss') {
    const count = typeof params.members === 'number' ? params.members : Math.floor(nodes.length / 2) + 1;
    return nodes.slice(0, count).map((n) => n.name);
  }
  if (Array.isArray(params.zones)) return params.zones.flatMap(byZone);
  if (params.node !== undefined) return byName(params.node);
  if (params.pod !== undefined) return byName(params.pod);
  if (params.zone !== undefined) return byZone(params.zone);
  if (type === 'network-delay' || type === 'network-loss') return nodes.map((n) => n.name);
  // Schema defaults ("primary") may not have been applied by a hand-built plan.
  return EFFECTS[type] === 'down' && type.startsWith('zone') ? byZone('primary') : byName('primary');
}

function node(state: FakeState, name: string): FakeNode {
  const found = state.nodes.get(name);
  if (!found) throw new KdrillError(ErrorCode.STEP_FAILED, `fake: no node ${name}`);
  return found;
}

function setOf(n: FakeNode, effect: FakeEffect): Set<string> {
  return effect === 'down' ? n.downBy : effect === 'etcd-down' ? n.etcdDownBy : n.degradedBy;
}

// Whether a fault id belongs to one of the named steps (by step id or step name).
function matches(names: ReadonlySet<string>, faultId: string): boolean {
  const step = parseFaultId(faultId);
  return names.has(faultId) || (step !== undefined && (names.has(step.stepId) || names.has(step.name)));
}
