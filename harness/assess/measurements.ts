import type { EntryRef, JournalEntry, MeasurementName } from '../engine/journal-types.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { measureFromProbes, measureRpo, measureRto, rtoFromProbes, unmeasured, type Measurement, type Readback } from '../measure/index.js';

export interface NamedMeasurement {
  readonly name: MeasurementName;
  readonly unit: 'ms' | 'writes' | 'rows';
  readonly measurement: Measurement;
}

// The gap bound of the RTO definition (docs/measurement.md): the steady-state probe interval.
export const rtoOptions = (steadyState: { interval: number; stabilityWindow: number }) => ({ stabilityWindowMs: steadyState.stabilityWindow, maxGapMs: steadyState.interval });

// Every figure the run yields, from the journal, the ledger (if the load kept one) and the
// read-back (if it succeeded). Unmeasurable figures are returned too, with why.
export function measureRun(entries: readonly JournalEntry[], ledger: Ledger | undefined, readback: Readback | undefined, steadyState: { interval: number; stabilityWindow: number }): NamedMeasurement[] {
  const out: NamedMeasurement[] = [];
  if (ledger) {
    const rto = measureRto(entries, ledger, rtoOptions(steadyState));
    out.push(
      { name: 'rto', unit: 'ms', measurement: rto.rto },
      { name: 'time-to-impact', unit: 'ms', measurement: rto.timeToImpact },
      { name: 'downtime', unit: 'ms', measurement: rto.downtime },
      { name: 'time-to-new-primary', unit: 'ms', measurement: rto.timeToNewPrimary },
    );
  } else {
    out.push({ name: 'rto', unit: 'ms', measurement: rtoFromProbes(entries, steadyState.stabilityWindow) });
  }
  const probes = measureFromProbes(entries);
  out.push({ name: 'time-to-new-leader', unit: 'ms', measurement: probes.timeToNewLeader }, { name: 'time-to-redundancy', unit: 'ms', measurement: probes.timeToRedundancy });
  if (ledger && readback) {
    const rpo = measureRpo(entries, ledger, readback);
    out.push(
      { name: 'lost-writes', unit: 'writes', measurement: rpo.lost },
      { name: 'rpo', unit: 'ms', measurement: rpo.rpo },
      { name: 'split-brain-writes', unit: 'writes', measurement: rpo.splitBrain },
      { name: 'in-doubt-writes', unit: 'writes', measurement: rpo.inDoubt },
      { name: 'phantom-rows', unit: 'rows', measurement: rpo.phantoms },
    );
  } else {
    const why = ledger ? 'the ledger table could not be read back after recovery' : 'the run had no ledger load, so no write can be checked';
    for (const name of ['lost-writes', 'rpo'] as const) out.push({ name, unit: name === 'rpo' ? 'ms' : 'writes', measurement: unmeasured(why) });
  }
  return out;
}

export const refOf = (e: JournalEntry): EntryRef => ({ kind: e.kind, at: e.at, ...('fault' in e && typeof e.fault === 'string' ? { fault: e.fault } : {}) });
