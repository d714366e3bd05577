import type { JournalEntry, MeasurementName } from '../journal/entries.js';
import type { MonoTime } from '../model/time.js';

// A measured number with what it was derived from: the journal entries and the ledger facts
// (ids and times) an auditor needs to recompute it.
export interface Measurement<V = number> {
  readonly value: V | undefined; // undefined: could not be measured, with `why`
  readonly why: string;
  readonly from: readonly JournalEntry[];
  readonly evidence: Readonly<Record<string, unknown>>;
  // The fault had no effect this figure could measure (no client saw an interruption): not a
  // value of 0, and never a met target.
  readonly notExercised?: true;
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


// How the load was offered: the gap bound of every window is derived from it.
export interface OfferedLoad {
  readonly rate: number | 'max'; // writes per second asked of the driver
  readonly concurrency: number;
}

export interface DrillOptions {
  // How long writes must succeed without interruption for service to count as restored.
  readonly stabilityWindowMs: number;
  readonly load: OfferedLoad;
  // The uncertainty of the load's clock against kdrill's (a remote driver), carried as ±.
  readonly clockUncertaintyMs?: number;
  // The write probe's interval: the resolution of the RTO of runs without a ledger.
  readonly probeIntervalMs?: number;
}

// The longest pause between acknowledgements that still counts as continuous service.
export interface GapBound {
  readonly ms: number;
  readonly why: string; // how it was derived (offered rate, latency and gaps seen before t0)
}

// One fault's measurement window: from its t0 to the next fault's t0 (or the end of the load).
export interface FaultWindow {
  readonly fault: string; // fault id ("s2-freeze")
  readonly step: string; // step id ("s2")
  readonly type: string; // fault type
  readonly armedAt: MonoTime; // revert record journalled
  readonly t0: MonoTime; // fault-effective: the harm took effect
  readonly injectedAt?: MonoTime; // the injector returned
  readonly revertingAt?: MonoTime; // the revert began
  readonly revertedAt?: MonoTime;
  readonly end: MonoTime; // next window's t0, else +Infinity
  readonly expectNoImpact: boolean; // the scenario declared `expect: no-impact`
}

// A disruption after service was restored (t1), measured on its own instead of moving t1.
export interface LaterDisruption {
  readonly kind: 'heal' | 'later'; // heal: began after the fault was reverted
  readonly startAt: MonoTime; // the last acknowledgement before it, or the first failed send
  readonly lengthMs: number; // to the first write of the next stable stretch
  readonly unrecovered?: true; // still going when the window ended
}

export interface WindowMeasurement {
  readonly window: FaultWindow;
  readonly impacted: boolean; // some write in the window failed, went in doubt or paused
  readonly rto: Measurement; // not-exercised when !impacted
  readonly timeToImpact: Measurement;
  readonly downtime: Measurement;
  readonly timeToNewPrimary: Measurement;
  readonly timeToNewLeader: Measurement;
  readonly timeToRedundancy: Measurement;
  readonly disruptions: readonly LaterDisruption[];
  readonly outliers: number; // isolated slow writes that did not interrupt service
  // The load may yet show the RTO (the window is the last and service not yet back, or not
  // yet watched for the stability window): worth keeping the load running for.
  readonly awaiting: boolean;
  readonly lost?: Measurement; // with a read-back: lost writes attributed to this fault
  readonly rpo?: Measurement; // evidence { lower, upper }: value = upper
}

export interface DrillMeasurement {
  readonly gapBound: GapBound;
  readonly windows: readonly WindowMeasurement[];
  // The run's figure of each name: for per-window figures, the worst window, saying which.
  readonly run: ReadonlyMap<MeasurementName, Measurement>;
}
