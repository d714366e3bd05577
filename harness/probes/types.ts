import type { ConnectedBackend } from '../backends/types.js';
import type { DbTarget } from '../db/target.js';
import type { PROBES } from '../scenario/schema/steady-state.js';

export type ProbeName = (typeof PROBES)[number];

export interface ProbeContext {
  readonly connected: ConnectedBackend;
  readonly readWrite: DbTarget;
  readonly readOnly: DbTarget | undefined;
  readonly timeoutMs: number; // one probe never takes longer
}

// What one probe saw. `key` identifies the state (the leader's name, how many replicas stream):
// the monitor journals an observation whenever `ok` or `key` changes.
export interface ProbeReading {
  readonly ok: boolean;
  readonly detail: string;
  readonly key?: string;
  readonly value?: Readonly<Record<string, unknown>>;
}

// Options of a steady-state check that only some probes read.
export interface ProbeOptions {
  readonly maxLagMs?: number;
  readonly replicas?: number;
}

export type Probe = (ctx: ProbeContext, options: ProbeOptions) => Promise<ProbeReading>;
