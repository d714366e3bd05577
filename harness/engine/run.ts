import type { StartedLoad } from '../load/driver.js';
import { serializeError, type SerializedError } from '../common/errors.js';
import { redactValue } from '../common/redact.js';
import type { Backend, ConnectedBackend } from '../backends/types.js';
import type { Plan } from '../scenario/plan-types.js';
import type { Scenario } from '../scenario/schema/index.js';
import { RunSignals, type RunStop, type SignalSource } from './abort.js';
import type { Clock } from '../model/time.js';
import { loadSeries } from '../measure/series.js';
import { stampedJournal } from '../journal/journal.js';
import { environmentOf } from './environment.js';
import type { Journal, JournalEntry, RevertReason } from '../journal/entries.js';
import { deriveStatus, resultFromJournal, type RunResult } from './result.js';
import { ArmedFaults, pendingReverts, type Recorder } from './revert.js';
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
  // Steady state, abort conditions, measurement and verification (harness/assess).
  readonly observer?: DrillObserver | undefined;
  // Leave the instances restore steps create in place (the user inspects them, then cleans up).
  readonly keepRestored?: boolean | undefined;
}

export interface ObserverContext {
  readonly connected: ConnectedBackend;
  readonly load: StartedLoad | undefined;
  readonly journal: Recorder;
  readonly clock: Clock;
  readonly entries: readonly JournalEntry[]; // the run's journal so far, redacted
  readonly signal: AbortSignal; // aborted when the run stops early
  readonly stopped: () => RunStop | undefined;
  readonly abort: (reason: string) => void; // an abort condition was met
  readonly log: (line: string) => void;
}

// What watches and judges a drill, at four points of the run. Errors thrown by `prepare` and
// `beforeSteps` fail the run before any fault; later ones are the run's error.
export interface DrillObserver {
  // Once connected, before the load starts (seeds a dataset).
  prepare?(ctx: ObserverContext): Promise<void>;
  // After the warm-up, before the first step: the steady state must hold; monitors start.
  beforeSteps?(ctx: ObserverContext): Promise<void>;
  // After every revert, with the load still running: waits for recovery, checks the steady state.
  afterReverts?(ctx: ObserverContext): Promise<void>;
  // After the load stopped: read back, measure and verify.
  judge?(ctx: ObserverContext): Promise<void>;
  // Stops whatever is still running (monitors). Always called, once, before disposal.
  stop?(): Promise<void>;
}

/**
 * Runs one drill and returns its result. Drill failures are data (the result's status), not
 * exceptions. Phases, each journalled:
 *
 *  1. `run-start`: plan, run id, wall time, kdrill version. SIGINT/SIGTERM handlers and the
 *     max-duration timer are armed (RunSignals).
 *  2. `connect`: backend.connect(target) → ConnectedBackend.
 *  3. `warm-up`: the observer prepares (seeds), the load starts, sleep plan.warmUpMs; then the
 *     observer checks the steady state before (`steady-state-before`) and starts its monitors.
 *  4. `steps`: each step in order, not before its `atMs` after the steps began. A fault step
 *     plans against the topology, injects (the injector journals `fault-armed` with its
 *     RevertRecord before the harm), journals `fault-injected`, registers the handle and, with a
 *     duration, schedules its revert. Then the engine waits for those scheduled reverts.
 *  5. `revert` (finally, whatever happened): every fault still armed, newest first, continuing
 *     past failures. From here signals are journalled but never skip a revert.
 *  6. unless interrupted or a fault is still armed: the observer waits for recovery and checks the
 *     steady state after (`steady-state-after`); the load stops; the observer reads back,
 *     measures and verifies (`verify`), journalling `measurement` and `verification` entries.
 *  7. dispose the connected backend, remove signal handlers, journal `run-end` with the status
 *     (see deriveStatus for the precedence).
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
  const observer = options.observer;
  let connected: ConnectedBackend | undefined;
  let load: StartedLoad | undefined;
  let error: unknown;
  const observerContext = (c: ConnectedBackend, l: StartedLoad | undefined, signal: AbortSignal, abort: (reason: string) => void): ObserverContext => ({
    connected: c,
    load: l,
    journal,
    clock: options.clock,
    entries,
    signal,
    stopped: () => signals.stopped,
    abort,
    log,
  });
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
      ...(options.keepRestored ? { keepRestored: true } : {}),
    });
    await journal.record({ kind: 'environment', ...(await environmentOf(connected, plan.backend, options.kdrillVersion)) });
    const observe = (): ObserverContext => observerContext(connected!, load, signals.signal, (reason) => signals.abort(reason));
    await observer?.prepare?.(observe());
    if (options.startLoad) {
      load = await options.startLoad(connected, options.clock);
      if (load) await journal.record({ kind: 'load-start', driver: load.driver, ...(load.detail !== undefined ? { detail: load.detail } : {}) });
    }
    await runPhases(plan, {
      runId: options.runId,
      clock: options.clock,
      journal,
      entries,
      connected,
      armed,
      signals,
      log,
      pollIntervalMs: options.pollIntervalMs ?? plan.scenarioDoc?.steadyState?.interval ?? 500,
      interactive: options.interactive,
      scheduled: [],
      repeats: [],
      stopRepeats: new AbortController(),
    }, observer ? () => observer.beforeSteps?.(observe()) : undefined);
  } catch (thrown) {
    if (!signals.stopped) error = thrown;
  } finally {
    signals.enterRevert();
    await journal.record({ kind: 'phase', phase: 'revert' }).catch(() => undefined);
    await armed.revertAll(revertReason(signals, error));
    // Judging needs steps that ran and a cluster with nothing armed, and is skipped when a
    // person stopped the run. From here nothing aborts: the stages are bounded by their own timeouts.
    const stepsRan = entries.some((e) => e.kind === 'phase' && e.phase === 'steps');
    const judging = observer && connected && stepsRan && signals.stopped?.kind !== 'interrupt' && pendingReverts(entries).length === 0;
    const ctx = judging ? observerContext(connected!, load, new AbortController().signal, () => undefined) : undefined;
    const phase = (name: 'steady-state-after' | 'verify', stage: () => Promise<void>) => async () => {
      await journal.record({ kind: 'phase', phase: name });
      await stage();
    };
    const started = load;
    const windDown: [failure: string, stage: (() => PromiseLike<unknown>) | undefined][] = [
      ['steady-state-after failed', ctx && observer?.afterReverts ? phase('steady-state-after', () => observer.afterReverts!(ctx)) : undefined],
      // The load keeps running through the reverts, so recovery after them is on record too.
      ['could not stop the load cleanly', started ? () => stopLoad(started, journal, log) : undefined],
      ['stopping the monitors failed', observer?.stop ? () => observer.stop!() : undefined],
      ['verify failed', ctx && observer?.judge ? phase('verify', () => observer.judge!(ctx)) : undefined],
      ['could not disconnect from the backend', connected ? () => connected![Symbol.asyncDispose]() : undefined],
    ];
    // Every stage runs whatever failed before it; the first error is the run's. (Evaluated
    // first, then kept: `error ??= await …` would skip the call itself after an earlier failure.)
    for (const [failure, stage] of windDown) {
      if (!stage) continue;
      const stageError = await bestEffort(failure, stage, log);
      error ??= stageError;
    }
    signals.dispose();
  }
  return finish(journal, entries, error, log);
}

// Warm-up, the steady state before, then the steps on their schedule, then the reverts they scheduled.
async function runPhases(plan: Plan, ctx: StepContext, beforeSteps: (() => Promise<void> | undefined) | undefined): Promise<void> {
  const { clock, journal, signals } = ctx;
  await journal.record({ kind: 'phase', phase: 'warm-up' });
  await clock.sleep(plan.warmUpMs, signals.signal);
  if (beforeSteps) {
    await journal.record({ kind: 'phase', phase: 'steady-state-before' });
    await beforeSteps();
  }
  signals.signal.throwIfAborted();
  await journal.record({ kind: 'phase', phase: 'steps' });
  const stepsStart = clock.now();
  try {
    for (const step of plan.steps) {
      signals.signal.throwIfAborted();
      const wait = (step.atMs ?? 0) - (clock.now() - stepsStart);
      if (wait > 0) await clock.sleep(wait, signals.signal);
      await runStep(step, ctx);
    }
  } finally {
    // Scheduled actions end with the steps, however they end; a run in progress finishes
    // (or stops with the run) and is journalled before anything is reverted.
    ctx.stopRepeats.abort();
    await Promise.allSettled(ctx.repeats);
  }
  await Promise.all(ctx.scheduled);
  signals.signal.throwIfAborted();
}

function revertReason(signals: RunSignals, error: unknown): RevertReason {
  if (signals.stopped) return signals.stopped.kind;
  return error === undefined ? 'end-of-drill' : 'error';
}

// Runs one stage of the wind-down; its error is logged and returned, never thrown.
async function bestEffort(failure: string, stage: () => PromiseLike<unknown>, log: (line: string) => void): Promise<unknown> {
  try {
    await stage();
    return undefined;
  } catch (error) {
    log(`${failure}: ${error instanceof Error ? error.message : String(error)}`);
    return error;
  }
}

async function stopLoad(load: StartedLoad, journal: Recorder, log: (line: string) => void): Promise<void> {
  const summary = await load.running.stop();
  const ledger = await load.save();
  const series = load.ledger ? loadSeries(load.ledger, summary.startedAt, summary.stoppedAt) : undefined;
  await journal.record({ kind: 'load-stop', summary, ...(ledger ? { ledger } : {}), ...(series ? { series } : {}) });
  log(`load stopped: ${summary.sent} writes sent, ${summary.acked} acknowledged, ${summary.failed} failed, ${summary.inDoubt} in doubt`);
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
