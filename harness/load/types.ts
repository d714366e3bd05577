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
