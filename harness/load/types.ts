import type { MonoTime } from '../engine/journal-types.js';

// What became of one write. `in-doubt`: the client cannot know whether it committed
// (timeout, connection lost after sending); never counted as lost, always reported.
export const OUTCOMES = ['pending', 'acked', 'failed', 'in-doubt'] as const;
export type Outcome = (typeof OUTCOMES)[number];

// Load drivers only stream facts into the ledger.
export interface LedgerWriter {
  // Allocates the next id (unique, increasing) and records that it is being sent now.
  send(at: MonoTime): number;
  acked(id: number, at: MonoTime, node: string | undefined): void;
  failed(id: number, at: MonoTime, outcome: 'failed' | 'in-doubt', reason?: string): void;
}

export interface LoadSummary {
  readonly driver: string;
  readonly startedAt: MonoTime;
  readonly stoppedAt: MonoTime;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly inDoubt: number;
  readonly ackedPerSecond: number;
  readonly meanLatencyMs?: number; // of acknowledged writes
  readonly errors: Readonly<Record<string, number>>; // reason → count
  readonly walBytes?: number; // WAL written meanwhile, when both ends could be read
}

// Running totals, read while the load runs (the error-rate abort condition samples them).
export interface LoadStats {
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly inDoubt: number;
  readonly connectFailures: number;
}

export interface RunningLoad {
  stats(): LoadStats;
  stop(): Promise<LoadSummary>;
}
