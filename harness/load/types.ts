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

// A ledger whose times can be moved once they are known better (a remote driver's, when its
// clock's last alignment is in).
export interface RetimableLedger extends LedgerWriter {
  retime(map: (at: MonoTime) => MonoTime): void;
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
  // A driver on another machine (the ledger Job): its clock against kdrill's, from which every
  // time of its writes was converted, each within ± `uncertaintyMs`.
  readonly clock?: RemoteClockSummary;
}

// One reading of a remote clock: at kdrill's time `at` it read `at + shift`, give or take
// `uncertaintyMs` (half the best round trip, as NTP estimates it).
export interface ClockAlignment {
  readonly at: MonoTime;
  readonly shift: number;
  readonly uncertaintyMs: number;
}

export interface RemoteClockSummary {
  readonly alignments: readonly ClockAlignment[];
  readonly uncertaintyMs: number; // the largest ± of any time converted from the remote clock
  readonly driftMs: number; // last shift minus first: how much the remote clock gained on kdrill's
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
