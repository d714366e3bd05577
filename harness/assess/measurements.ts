import type { EntryRef, JournalEntry, MeasurementName } from '../journal/entries.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { measureDrill, type DrillMeasurement, type DrillOptions, type Measurement, type Readback, type WindowMeasurement } from '../measure/index.js';
import type { Scenario } from '../scenario/schema/index.js';

export interface NamedMeasurement {
  readonly name: MeasurementName;
  readonly unit: 'ms' | 'writes' | 'rows';
  readonly measurement: Measurement;
  readonly fault?: string; // a fault's own window; absent: the run's figure
}

const UNITS: Readonly<Record<MeasurementName, 'ms' | 'writes' | 'rows'>> = {
  rto: 'ms',
  'time-to-impact': 'ms',
  downtime: 'ms',
  'time-to-new-primary': 'ms',
  'time-to-new-leader': 'ms',
  'time-to-redundancy': 'ms',
  'heal-disruption': 'ms',
  'lost-writes': 'writes',
  rpo: 'ms',
  'split-brain-writes': 'writes',
  'in-doubt-writes': 'writes',
  'phantom-rows': 'rows',
  'failed-present-writes': 'writes',
};
export const unitOf = (name: MeasurementName) => UNITS[name];

// What measurement needs of the scenario: the stability window, the probe interval and the
// load as offered (the gap bound is derived from it).
export function drillOptions(scenario: Pick<Scenario, 'steadyState' | 'load'>, clockUncertaintyMs?: number): DrillOptions {
  return {
    stabilityWindowMs: scenario.steadyState.stabilityWindow,
    probeIntervalMs: scenario.steadyState.interval,
    load: { rate: scenario.load.rate, concurrency: scenario.load.concurrency },
    ...(clockUncertaintyMs ? { clockUncertaintyMs } : {}),
  };
}

// The figures of each fault's window, in journal order.
function windowFigures(w: WindowMeasurement): [MeasurementName, Measurement | undefined][] {
  return [
    ['rto', w.rto],
    ['time-to-impact', w.timeToImpact],
    ['downtime', w.downtime],
    ['time-to-new-primary', w.timeToNewPrimary],
    ['time-to-new-leader', w.timeToNewLeader],
    ['time-to-redundancy', w.timeToRedundancy],
    ['heal-disruption', w.disruptions.length ? { value: Math.max(...w.disruptions.map((d) => d.lengthMs)), why: w.disruptions.map((d) => `${d.kind === 'heal' ? 'heal' : 'later'} disruption of ${Math.round(d.lengthMs)} ms from ${Math.round(d.startAt)} ms${d.unrecovered ? ' (not recovered in the window)' : ''}`).join('; '), from: w.rto.from, evidence: { disruptions: w.disruptions, outliers: w.outliers } } : undefined],
    ['lost-writes', w.lost],
    ['rpo', w.rpo],
  ];
}

// Every figure the run yields: each fault's window, then the run's (the worst window for
// per-fault figures). Unmeasurable figures are returned too, with why.
export function measureRun(entries: readonly JournalEntry[], ledger: Ledger | undefined, readback: Readback | undefined, options: DrillOptions): { drill: DrillMeasurement; figures: NamedMeasurement[] } {
  const drill = measureDrill(entries, ledger, readback, options);
  const figures: NamedMeasurement[] = [];
  for (const w of drill.windows) {
    for (const [name, m] of windowFigures(w)) if (m) figures.push({ name, unit: UNITS[name], measurement: m, fault: w.window.fault });
  }
  for (const [name, m] of drill.run) {
    const measurement = name === 'rto' && ledger ? { ...m, evidence: { ...m.evidence, gapBoundMs: drill.gapBound.ms, gapBound: drill.gapBound.why } } : m;
    figures.push({ name, unit: UNITS[name], measurement });
  }
  return { drill, figures };
}

export const refOf = (e: JournalEntry): EntryRef => ({ kind: e.kind, at: e.at, ...('fault' in e && typeof e.fault === 'string' ? { fault: e.fault } : {}) });
