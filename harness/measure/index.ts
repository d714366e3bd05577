// Measurement as pure functions over the journal and the ledger: every number comes with
// what it was derived from. Definitions: docs/measurement.md.
export { measureDrill } from './drill.js';
export { faultWindows, windowAt } from './windows.js';
export { gapBound } from './gap.js';
export { missingAcknowledged, type MissingAcknowledged, type Readback } from './rpo.js';
export { lastRestore, measureRestore, restoreRto, type RestoreMeasurement, type RestoreStep } from './restore.js';
export { loadSeries } from './series.js';
export { type LoadSeries } from '../model/load.js';
export { NO_FAULT, unmeasured } from './types.js';
export type { DrillMeasurement, DrillOptions, FaultWindow, GapBound, LaterDisruption, Measurement, OfferedLoad, WindowMeasurement } from './types.js';
