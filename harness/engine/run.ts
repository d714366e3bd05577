import { serializeError, type SerializedError } from '../common/errors.js';
import { redactValue } from '../common/redact.js';
import type { Backend, ConnectedBackend } from '../backends/types.js';
import type { Plan } from '../scenario/plan-types.js';
import type { Scenario } from '../scenario/schema/index.js';
import { RunSignals, type SignalSource } from './abort.js';
import type { Clock } from './clock.js';
import type { RunningLoad } from '../load/types.js';
import { stampedJournal } from './journal.js';
import type { Journal, JournalEntry, RevertReason } from './journal-types.js';
import { deriveStatus, resultFromJournal, type RunResult } from './result.js';
import { ArmedFaults, type Recorder } from './revert.js';
import { runStep, type CheckpointAnswerer, type StepContext } from './steps.js';

export interface RunOptions {
  readonly backend: Backend;
  readonly target: Scenario['target'];
  readonly clock: Clock; // create it just before the run: journal times count from it
  readonly journal: Journal;
  readonly runId: string;
  readonly runDir: string;
  // SIGINT/SIGTERM: `process` in the CLI; an EventEmitter in tests; none to ignore signals.
  readonly signals?: SignalSource | undefined;
  readonly log?: ((line: string) => void) | undefined;
  // Asks a facilitator at checkpoints; without one, checkpoints continue automatically.
  readonly interactive?: CheckpointAnswerer | undefined;
  readonly kdrillVersion?: string | undefined;
  // How often wait steps ask the backend; default: the scenario's steady-state interval, else 500 ms.
  readonly pollIntervalMs?: number | undefined;
  // Starts the scenario's load once connected; it runs through the steps and the reverts.
  readonly startLoad?: ((connected: ConnectedBackend, clock: Clock) => Promise<StartedLoad | undefined>) | undefined;
}

export interface StartedLoad {
  readonly driver: string;
  readonly detail?: unknown;
  readonly running: RunningLoad;
  // Persists what the load recorded (the ledger) and says where.
  save(): Promise<string | undefined>;
}

/**
 * Runs one drill and returns its result. Drill failures are data (the result's status), not
 * exceptions. Phases, each journalled:
 *
 *  1. `run-start`: plan, run id, wall time, kdrill version. SIGINT/SIGTERM handlers and the
 *     max-duration timer are armed (RunSignals).
 *  2. `connect`: backend.connect(target) → ConnectedBackend.
 *  3. `warm-up`: sleep plan.warmUpMs (the load driver will run here).
 *  4. `steps`: each step in order, not before its `atMs` after the steps began. A fault step
 *     plans against the topology, injects (the injector journals `fault-armed` with its
 *     RevertRecord before the harm), journals `fault-injected`, registers the handle and, with a
 *     duration, schedules its revert. Then the engine waits for those scheduled reverts.
 *  5. `revert` (finally, whatever happened): every fault still armed, newest first, continuing
 *     past failures. From here signals are journalled but never skip a revert.
 *  6. dispose the connected backend, remove signal handlers, journal `run-end` with the status
 *     (cleanup-incomplete > aborted | interrupted > errored > passed; see deriveStatus).
 *
 * Measurement (targets-missed) and verification (integrity-failed) plug in after phase 5 and
 * fill `targets` and `evidence`.
 *
 * @throws only when the run-start entry cannot be journalled (nothing was touched yet).
 */
export async function runDrill(plan: Plan, options: RunOptions): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const entries: JournalEntry[] = [];
  const journal = collectingJournal(options.journal, options.clock, entries);
  await journal.record({
    kind: 'run-start',
    wall: new Date().toISOString(),
    runId: options.runId,
    plan,
    kdrillVersion: options.kdrillVersion ?? 'unknown',
  });
  const signals = new RunSignals({ journal, clock: options.clock, source: options.signals, maxDurationMs: plan.maxDurationMs, log });
  const armed = new ArmedFaults(journal, log);
  let connected: ConnectedBackend | undefined;
  let load: StartedLoad | undefined;
  let error: unknown;
  try {
    await journal.record({ kind: 'phase', phase: 'connect' });
    connected = await options.backend.connect(options.target, {
      runId: options.runId,
      scenarioFile: plan.scenario.file,
      tier: plan.targets.tier,
      runDir: options.runDir,
      journal,
      signal: signals.signal,
      log,
    });
    if (options.startLoad) {
      load = await options.startLoad(connected, options.clock);
      if (load) await journal.record({ kind: 'load-start', driver: load.driver, ...(load.detail !== undefined ? { detail: load.detail } : {}) });
    }
    await runPhases(plan, {
      runId: options.runId,
      clock: options.clock,
      journal,
      connected,
      armed,
      signals,
      log,
      pollIntervalMs: options.pollIntervalMs ?? plan.scenarioDoc?.steadyState?.interval ?? 500,
      interactive: options.interactive,
      scheduled: [],
    });
  } catch (thrown) {
    if (!signals.stopped) error = thrown;
  } finally {
    signals.enterRevert();
    await journal.record({ kind: 'phase', phase: 'revert' }).catch(() => undefined);
    await armed.revertAll(revertReason(signals, error));
    // The load keeps running through the reverts, so recovery after them is on record too.
    // Evaluated first, then kept only if nothing failed before: `error ??= await …` would skip
    // the call itself after an earlier failure.
    if (load) {
      const stopError = await stopLoad(load, journal, log);
      error ??= stopError;
    }
    if (connected) {
      const disposeError = await dispose(connected, log);
      error ??= disposeError;
    }
    signals.dispose();
  }
  return finish(journal, entries, error, log);
}

// Warm-up, then the steps on their schedule, then the reverts they scheduled.
async function runPhases(plan: Plan, ctx: StepContext): Promise<void> {
  const { clock, journal, signals } = ctx;
  await journal.record({ kind: 'phase', phase: 'warm-up' });
  await clock.sleep(plan.warmUpMs, signals.signal);
  await journal.record({ kind: 'phase', phase: 'steps' });
  const stepsStart = clock.now();
  for (const step of plan.steps) {
    signals.signal.throwIfAborted();
    const wait = (step.atMs ?? 0) - (clock.now() - stepsStart);
    if (wait > 0) await clock.sleep(wait, signals.signal);
    await runStep(step, ctx);
  }
  await Promise.all(ctx.scheduled);
  signals.signal.throwIfAborted();
}

function revertReason(signals: RunSignals, error: unknown): RevertReason {
  if (signals.stopped) return signals.stopped.kind;
  return error === undefined ? 'end-of-drill' : 'error';
}

async function stopLoad(load: StartedLoad, journal: Recorder, log: (line: string) => void): Promise<unknown> {
  try {
    const summary = await load.running.stop();
    const ledger = await load.save();
    await journal.record({ kind: 'load-stop', summary, ...(ledger ? { ledger } : {}) });
    log(`load stopped: ${summary.sent} writes sent, ${summary.acked} acknowledged, ${summary.failed} failed, ${summary.inDoubt} in doubt`);
    return undefined;
  } catch (error) {
    log(`could not stop the load cleanly: ${error instanceof Error ? error.message : String(error)}`);
    return error;
  }
}

async function dispose(connected: ConnectedBackend, log: (line: string) => void): Promise<unknown> {
  try {
    await connected[Symbol.asyncDispose]();
    return undefined;
  } catch (error) {
    log(`could not disconnect from the backend: ${error instanceof Error ? error.message : String(error)}`);
    return error;
  }
}

async function finish(journal: Recorder & Journal, entries: JournalEntry[], error: unknown, log: (line: string) => void): Promise<RunResult> {
  const serialized: SerializedError | undefined = error === undefined ? undefined : serializeError(error);
  const status = deriveStatus(entries, serialized, true);
  try {
    await journal.record({ kind: 'run-end', status, ...(serialized ? { error: serialized } : {}) });
  } catch (writeError) {
    log(`could not journal run-end (${status}): ${String(writeError)}`);
  }
  return resultFromJournal(entries, journal.path);
}

// The run's journal: stamps `at` with the run clock and keeps a redacted copy of each entry,
// in append order, from which the result is computed exactly as a report would recompute it.
function collectingJournal(inner: Journal, clock: Clock, entries: JournalEntry[]): Journal & Recorder {
  const collecting: Journal = {
    path: inner.path,
    append: (entry) => {
      entries.push(redactValue(entry));
      return inner.append(entry);
    },
  };
  return stampedJournal(collecting, clock);
}
