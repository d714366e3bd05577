import type { InClusterLoads } from '../load/types.js';
import type { Endpoints } from '../model/endpoints.js';
import type { BackendKind, Topology } from '../model/topology.js';
import type { Injector } from '../faults/types.js';
import type { FaultType } from '../model/fault.js';
import type { ActionType } from '../actions/types.js';
import type { Journal } from '../journal/journal.js';
import type { Scenario } from '../scenario/schema/index.js';

export interface RunContext {
  readonly runId: string;
  // The scenario's file (relative paths in the target resolve from it) and tier (tier0 asks
  // the local backend for synchronous replication).
  readonly scenarioFile?: string;
  readonly tier?: string;
  // Only revert faults from records (`kdrill cleanup`): never create or change a cluster.
  readonly attachOnly?: boolean;
  // Leave restored instances in place when the run ends (`kdrill run --keep-restored`).
  readonly keepRestored?: boolean;
  readonly runDir: string;
  readonly journal: Journal;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

// What a backend declares before anything connects: checked at validation time.
export interface BackendCapabilities {
  readonly faults: ReadonlySet<FaultType>;
  readonly actions: ReadonlySet<ActionType>;
  // Faults refused in some target configurations (the local backend's loopback mode), with why.
  refuse?(fault: FaultType, target: Scenario['target']): string | undefined;
  // Actions refused in some target configurations, with why.
  refuseAction?(action: ActionType, target: Scenario['target']): string | undefined;
}

export interface Backend extends BackendCapabilities {
  readonly kind: BackendKind;
  readonly summary: string;
  // Checks that the backend can run here before anything is created (run directory, journal).
  // @throws BackendUnavailableError naming what is missing and each strategy tried.
  preflight?(target: Scenario['target']): Promise<void>;
  // When this command must run elsewhere to use the backend (the local backend without root:
  // inside a user namespace), runs it there and returns its exit code; undefined to go on here.
  relaunch?(target: Scenario['target']): Promise<number | undefined>;
  connect(target: Scenario['target'], ctx: RunContext): Promise<ConnectedBackend>;
  // `kdrill run --dry-run`: everything the plan's faults would create, resolved as far as
  // reading (never changing) the target allows. Printed after the plan.
  describeDryRun?(plan: import('../scenario/plan-types.js').Plan, target: Scenario['target'], load?: DryRunLoad): Promise<string>;
  // Removes what runs that died left behind (a cluster a crashed run created for itself).
  reap?(log: (line: string) => void): Promise<{ removed: string[]; problems: string[] }>;
  // Removes what one run that is not running created in its target and left there (a run
  // that died: load Jobs, restore pods; or instances kept with --keep-restored), found by the
  // run's id; names each object removed. Looks each run up once.
  reapRun?(target: Scenario['target'], run: { readonly id: string; readonly dir: string; readonly ended: boolean }): Promise<string[]>;
}

export interface ActionContext {
  readonly runId: string;
  readonly journal: Journal;
  readonly signal: AbortSignal;
  // The run's journal so far (a restore "just before the fault" finds the fault here).
  readonly entries?: readonly import('../journal/entries.js').JournalEntry[];
  readonly log?: (line: string) => void;
}

// Where a drill's data lives and what its backup repository holds, for the residency and
// retention checks.
export interface BackupInventory {
  readonly repository: { readonly region: string; readonly retentionPolicy: string };
  readonly backups: readonly { readonly label: string; readonly type: string; readonly startedAt: string; readonly stoppedAt: string }[];
  // The newest WAL segment archived, and when (a restore can reach up to about then).
  readonly lastArchivedAt?: string;
  // Every copy of the data: database members, the repository, restored instances, snapshots.
  readonly locations: readonly { readonly what: string; readonly region: string }[];
}

export interface ConnectedBackend extends AsyncDisposable, InClusterLoads {
  topology(): Promise<Topology>;
  endpoints(): Promise<Endpoints>;
  injector(type: FaultType): Injector;
  // Runs a recovery action (failover, backup, restore…) and returns what it did, as JSON.
  act(type: ActionType, params: Readonly<Record<string, unknown>>, ctx: ActionContext): Promise<Record<string, unknown>>;
  // Holds while the condition is unmet; resolves with an observation when met.
  check(condition: string, ctx: ActionContext): Promise<{ met: boolean; detail?: unknown }>;
  // What the backup repository holds and where every copy of the data lives; absent when the
  // backend keeps no backups it can list.
  backupInventory?(): Promise<BackupInventory>;
  // The version of each component the backend runs (PostgreSQL, Patroni, etcd…), for reports.
  versions?(): Promise<Readonly<Record<string, string>>>;
  // Reverts a fault from its persisted record alone (after a harness crash).
  revertFromRecord(record: import('../model/fault.js').RevertRecord): Promise<void>;
}

// The scenario's load, for a dry run to show the objects a load in the cluster would create.
export interface DryRunLoad {
  readonly spec: import('../scenario/schema/load.js').LoadSpec;
  readonly database: string;
  readonly maxDurationMs: number;
  readonly script?: string; // the k6 script, resolved against the scenario's directory
}
