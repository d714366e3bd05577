import type { FaultParams, FaultType, RevertRecord } from '../model/fault.js';
import type { z } from 'zod';
import type { Topology } from '../model/topology.js';


export type FaultCategory = 'process' | 'node' | 'network' | 'resource' | 'control-plane' | 'data';

// A catalogue entry: what a fault does, its parameters (zod, strict), and how a plan shows it.
export interface FaultDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly type: FaultType;
  readonly summary: string;
  readonly category: FaultCategory;
  // Needs real network namespaces: rejected on the local backend's loopback mode.
  readonly needsNetwork: boolean;
  // Parameter shape, merged into the step schema beside `fault`, `at`, `duration`, `name`.
  readonly params: S;
  // One line for `kdrill plan`: what will be harmed, in the scenario's own words.
  describe(params: z.infer<S>): string;
}


// What a backend resolved a fault to, before injecting it: pure data, shown by --dry-run.
export interface FaultPlan {
  readonly type: FaultType;
  readonly params: FaultParams;
  // Concrete things that will be harmed (node names, pods, links), resolved against the topology.
  readonly targets: readonly string[];
  readonly description: string;
  // What the backend resolved the selectors to (roles, zones → nodes, rules), so the fault
  // lands on what the plan showed even if a role moves before injection. Backend-private.
  readonly resolved?: Readonly<Record<string, unknown>>;
}


// A fault that is armed. revert() is idempotent: a second call is a no-op.
export interface FaultHandle extends AsyncDisposable {
  readonly id: string;
  readonly revertRecord: RevertRecord;
  readonly reverted: boolean;
  revert(): Promise<void>;
}

export interface InjectContext {
  readonly runId: string;
  readonly faultId: string;
  readonly signal: AbortSignal;
  // Journals the revert record (`fault-armed`) through the engine, which stamps its time and
  // step. Await it before the fault takes effect: `kdrill cleanup` reverts from it after a crash.
  arm(record: RevertRecord): Promise<void>;
  // Journals the moment the harm took effect (t0 of the fault's measurement window). Call it
  // right after the harmful action (the kill, the link down, the object created), before any
  // waiting that completes the fault; the first call counts. An injector that never calls it
  // gets t0 when inject() returns.
  effective(detail?: Readonly<Record<string, unknown>>): Promise<void>;
  // Journals a later milestone of a fault that completes in the background, owned by its
  // handle (the node NotReady, the out-of-service taint applied, the pods evicted).
  milestone(name: string, detail?: Readonly<Record<string, unknown>>): Promise<void>;
}

export interface Injector {
  readonly type: FaultType;
  plan(params: FaultParams, topology: Topology): FaultPlan;
  // Must arm the revert record (ctx.arm) before the fault takes effect.
  inject(plan: FaultPlan, ctx: InjectContext): Promise<FaultHandle>;
}
