import type { MonoTime } from './time.js';

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

// The load over time, for the report's timeline chart: per bucket, the writes acknowledged,
// the writes that failed or ended in doubt, and the mean latency of the acknowledged ones.
// Journalled with load-stop, so a report renders it from the journal alone.
export interface LoadSeries {
  readonly startAt: MonoTime; // the first bucket's start
  readonly bucketMs: number;
  readonly acked: readonly number[]; // by acknowledgement time
  readonly failed: readonly number[]; // failed or in doubt, by the time the client gave up
  readonly latencyMs: readonly (number | null)[]; // null where nothing was acknowledged
}
