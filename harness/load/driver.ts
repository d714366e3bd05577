import type { Endpoints } from '../model/endpoints.js';
import type { Clock } from '../model/time.js';
import type { LoadSpec } from '../scenario/schema/load.js';
import type { DbTarget } from '../db/target.js';
import type { Ledger } from './ledger/ledger.js';
import type { InClusterLoads, RunningLoad } from './types.js';

// A load that has started: what the engine stops, saves and measures.
export interface StartedLoad {
  readonly driver: string;
  readonly detail?: unknown;
  readonly running: RunningLoad;
  // Every write's fate, live (the ledger driver only): measurement and the abort conditions read it.
  readonly ledger?: Ledger;
  // Persists what the load recorded (the ledger) and says where.
  save(): Promise<string | undefined>;
}

// Everything a driver needs to start the scenario's load, in one object.
export interface LoadStartOptions {
  readonly spec: LoadSpec;
  // Where the load goes: the database endpoints, and Jobs in the cluster where offered.
  readonly backend: InClusterLoads & { endpoints(): Promise<Endpoints> };
  readonly clock: Clock;
  readonly runDir: string;
  readonly log: (line: string) => void;
  readonly maxDurationMs: number;
  readonly database?: string;
  // The scenario's file: a k6 script is relative to it.
  readonly scenarioFile?: string;
  // Names the Jobs a load in the cluster creates (the run directory's name without it).
  readonly runId?: string;
}

// One load driver of the LOAD_DRIVERS registry.
export interface LoadDriver {
  readonly name: Exclude<LoadSpec['driver'], 'none'>;
  // Starts the load where kdrill runs, against `target` (its database made ready by then).
  start(target: DbTarget, options: LoadStartOptions): Promise<StartedLoad>;
  // Starts the load as a Job in the cluster; absent: this driver runs only where kdrill runs.
  startInCluster?(options: LoadStartOptions): Promise<StartedLoad>;
  // Whether, left to choose (`runIn` unset), this driver runs in the cluster.
  prefersCluster?(options: LoadStartOptions): Promise<boolean>;
}
