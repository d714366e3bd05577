// Measurement as pure functions over the journal and the ledger: every number comes with
// what it was derived from. Definitions: docs/measurement.md.
export { measureRto } from './rto.js';
export { measureRpo, missingAcknowledged, type MissingAcknowledged, type Readback } from './rpo.js';
export { disruptionStart } from './t0.js';
export { lastRestore, measureRestore, restoreRto, type RestoreMeasurement, type RestoreStep } from './restore.js';
export { measureFromProbes, rtoFromProbes } from './probes.js';
export { loadSeries, type LoadSeries } from './series.js';
export { NO_FAULT, unmeasured } from './types.js';
export type { Measurement, RpoMeasurement, RtoMeasurement, RtoOptions } from './types.js';
