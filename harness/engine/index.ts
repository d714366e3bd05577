// The engine's public surface: run a plan, journal it, revert what it armed, recompute results.
export { runDrill, type RunOptions } from './run.js';
export { deriveStatus, resultFromJournal, statusFromJournal, type FaultResult, type RunResult, type StepResult } from './result.js';
export {
  ArmedFaults,
  cleanupFromJournal,
  handleFromRecord,
  pendingReverts,
  type BackendResolver,
  type CleanupResult,
  type Recorder,
} from './revert.js';
export { RunSignals, RunStopped, STOP_SIGNALS, type RunSignalsOptions, type RunStop, type SignalSource, type StopSignal } from './abort.js';
export { NO_FACILITATOR, type CheckpointAnswer, type CheckpointAnswerer, type CheckpointStep } from './steps.js';
