// The engine's public surface: run a plan, journal it, revert what it armed, recompute results.
export { runDrill, type RunOptions } from './run.js';
export { deriveStatus, resultFromJournal, statusFromJournal, type FaultResult, type RunResult, type StepResult } from './result.js';
export { monotonicClock } from './clock.js';
export { type Clock, type SleepOptions } from '../model/time.js';
export {
  FileJournal,
  parseJournal,
  readJournal,
  RUN_STATUSES,
  stampedJournal,
  teeJournal,
  type EntryOf,
  type Journal,
  type JournalEntry,
  type JournalEntryKind,
  type MonoTime,
  type ReadJournal,
  type RevertReason,
  type RunStatus,
  type UnstampedEntry,
} from './journal.js';
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
export { faultIdFor, NO_FACILITATOR, parseFaultId, type CheckpointAnswer, type CheckpointAnswerer, type CheckpointStep } from './steps.js';
