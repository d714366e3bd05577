import type { Clock } from '../model/time.js';
import type { LoadStats, LoadSummary } from '../model/load.js';
import type { MonoTime } from '../model/time.js';

// Load drivers only stream facts into the ledger.
export interface LedgerWriter {
  // Allocates the next id (unique, increasing) and records that it is being sent now.
  send(at: MonoTime): number;
  acked(id: number, at: MonoTime, node: string | undefined): void;
  failed(id: number, at: MonoTime, outcome: 'failed' | 'in-doubt', reason?: string): void;
}

// A ledger whose times can be moved once they are known better (a remote driver's, when its
// clock's last alignment is in).
export interface RetimableLedger extends LedgerWriter {
  retime(map: (at: MonoTime) => MonoTime): void;
}

export interface RunningLoad {
  stats(): LoadStats;
  stop(): Promise<LoadSummary>;
}

// A load run inside the cluster, in the workload's database.
export interface InClusterLoadRequest {
  readonly runId: string;
  readonly rate: number | 'max';
  readonly concurrency: number;
  readonly maxDurationMs: number;
  readonly database: string;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

export interface InClusterLedgerRequest extends InClusterLoadRequest {
  readonly writeTimeoutMs: number;
  readonly ledger: RetimableLedger; // re-timed by the driver's clock alignments when the load stops
}

export interface InClusterK6Request extends InClusterLoadRequest {
  readonly script: string; // a file on this machine
}

// What a backend that runs loads inside its cluster (as Jobs) offers the drivers.
export interface InClusterLoads {
  // k6 run inside the cluster (a Job), for when k6 is not installed where kdrill runs.
  startK6Job?(request: InClusterK6Request): Promise<RunningLoad>;
  // The ledger driver run inside the cluster (a Job), its events replayed into `ledger`.
  startLedgerJob?(request: InClusterLedgerRequest): Promise<RunningLoad>;
}
