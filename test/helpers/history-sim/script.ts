import type { FaultType } from '../../../harness/model/fault.js';

// A scripted history of the world: what happened to the cluster and when, in absolute
// milliseconds on the run's one monotonic clock. The generator writes it; the world model,
// the load model and the truth all read it; nothing in it is derived from kdrill.

// How the load driver was run (modelled on harness/load/ledger-driver).
export interface LoadScript {
  readonly rate: number; // writes per second, open loop
  readonly concurrency: number; // connections (workers)
  readonly writeTimeoutMs: number; // the driver's write and connect timeout
  readonly latencyMs: number; // typical round trip of one write on a healthy primary
  readonly connectMs: number; // typical connect + authenticate + "which server" query
  readonly startAt: number;
  readonly stopAt: number; // no write is sent at or after it
  // The last in-flight writes never report (a remote driver's final events were lost): they
  // stay pending in the ledger.
  readonly abandonInFlight: boolean;
}

// What a fault does to the world. Times are absolute.
export type Effect =
  // No client-visible effect (a replica killed, a replica's disk slowed, an etcd member down).
  | { readonly kind: 'none' }
  // Replication from the primary stops at t0 (replicas cut off); clients see nothing. It
  // lasts until the fault is reverted; a later failover in that time loses every write since.
  | { readonly kind: 'replica-cut' }
  // The primary's PostgreSQL is killed and restarted in place by Patroni: connections reset,
  // refused until `restartAt`, routed again at the fault's `restoredAt`. Nothing is lost.
  | { readonly kind: 'crash-restart'; readonly restartAt: number }
  // The primary's node is killed; `to` is promoted at `promoteAt` (having replayed what it
  // had received), the endpoint routes to it from `routeAt`. The node rejoins at the revert.
  | { readonly kind: 'crash-failover'; readonly promoteAt: number; readonly routeAt: number; readonly to: string }
  // SIGSTOP of the primary's node until `thawAt`. Without failover, writes hang and complete
  // at the thaw (or time out, in doubt). With one, `to` is promoted at `promoteAt`, routed
  // from `routeAt`; the thawed old primary commits what was in its sockets, on its own
  // timeline, until Patroni demotes it at `demoteAt`.
  | { readonly kind: 'freeze'; readonly thawAt: number; readonly failover?: { readonly promoteAt: number; readonly routeAt: number; readonly to: string; readonly demoteAt: number } }
  // The DCS lost quorum: Patroni demotes the primary (a restart as standby: connections reset,
  // refused for `restartMs`), writes then fail as read-only until it is promoted back at `until`.
  | { readonly kind: 'read-only'; readonly restartMs: number; readonly until: number }
  // The primary is partitioned from the DCS and the replicas, and every client flow is reset.
  // Its Patroni fails to demote it (failsafe). `to` is promoted at `promoteAt`; from `routeAt`
  // the endpoint spreads new connections over both (the old one's stale "master" label). The
  // partition heals at the revert; at `fenceAt`, soon after, the old primary is demoted and
  // rewound (its connections reset): its writes since the partition are lost.
  | { readonly kind: 'split-brain'; readonly promoteAt: number; readonly routeAt: number; readonly to: string; readonly fenceAt: number };

export type EffectKind = Effect['kind'];

// A short stall of the primary (writes and connects hang) when a reverted fault's node
// rejoins, well after service had been restored.
export interface Stall {
  readonly at: number;
  readonly lengthMs: number;
}

export interface FaultScript {
  readonly id: string; // "s2-crash"
  readonly step: string; // "s2"
  readonly name: string; // "crash"
  readonly type: FaultType;
  readonly target: string; // the server harmed (the primary, or a replica for harmless faults)
  readonly effect: Effect;
  readonly armedAt: number; // the revert record was journalled
  readonly t0: number; // the harm took effect
  readonly injectedAt: number; // the injector returned (t0, or much later for a fault that completes late)
  readonly revertedAt: number;
  readonly expectNoImpact: boolean;
  // When write service was back in the world (a writable primary routable by new connections):
  // t0 for a fault that harmed no client.
  readonly restoredAt: number;
  readonly heal?: Stall;
}

// A short disruption long after recovery, unrelated to any revert.
export interface Blip {
  readonly at: number;
  readonly lengthMs: number;
  readonly mode: 'hang' | 'restart'; // writes hang / PostgreSQL restarts in place (refused)
}

// One isolated slow write: the first write sent at or after `at` takes `extraMs` longer.
export interface Outlier {
  readonly at: number;
  readonly extraMs: number;
}

export interface Script {
  readonly seed: number;
  readonly servers: readonly string[];
  readonly initialPrimary: string;
  readonly lagMs: number; // asynchronous replication lag (0: synchronous)
  readonly stabilityWindowMs: number;
  readonly load: LoadScript;
  readonly faults: readonly FaultScript[];
  readonly blips: readonly Blip[];
  readonly outliers: readonly Outlier[];
}

export const RECONNECT_SLEEP_MS = 100; // the driver's pause after a failed connect
export const FAIL_FAST_MS = 2; // a refused connection or an error on a dead one
