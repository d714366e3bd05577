import type { JournalEntry, MonoTime } from '../engine/journal-types.js';

// A measured number with what it was derived from: the journal entries and the ledger facts
// (ids and times) an auditor needs to recompute it.
export interface Measurement<V = number> {
  readonly value: V | undefined; // undefined: could not be measured, with `why`
  readonly why: string;
  readonly from: readonly JournalEntry[];
  readonly evidence: Readonly<Record<string, unknown>>;
}

// A number that could not be measured, and why.
export const unmeasured = (why: string, from: readonly JournalEntry[] = [], evidence: Readonly<Record<string, unknown>> = {}): Measurement => ({ value: undefined, why, from, evidence });

// Every measurement from a fault has this answer when none took effect.
export const NO_FAULT = unmeasured('no fault took effect in this run');

export interface RtoOptions {
  // How long writes must succeed without interruption for service to count as restored.
  readonly stabilityWindowMs: number;
  // The longest pause between acknowledgements that still counts as "continuously".
  readonly maxGapMs: number;
}

export interface RtoMeasurement {
  readonly t0: MonoTime;
  readonly rto: Measurement; // t1 − t0
  readonly timeToImpact: Measurement; // first write after t0 that failed, went in doubt, or stalled
  readonly downtime: Measurement; // total time in [t0, t1] with no acknowledgement for longer than maxGapMs
  readonly timeToNewPrimary: Measurement; // first acknowledgement after t0 by another server than before it
}

export interface RpoMeasurement {
  readonly lost: Measurement; // count of acknowledged writes missing after recovery
  readonly rpo: Measurement; // t0 − acknowledgement time of the oldest lost write (0 when none)
  readonly splitBrain: Measurement; // lost writes acknowledged after t0
  readonly inDoubt: Measurement;
  readonly phantoms: Measurement; // present rows that were never sent
}
