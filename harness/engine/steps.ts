import { faultIdFor } from '../model/fault.js';
import { formatDuration } from '../model/duration.js';
import { ErrorCode, KdrillError, serializeError } from '../common/errors.js';
import type { ActionContext, ConnectedBackend } from '../backends/types.js';
import type { FaultHandle } from '../faults/types.js';
import type { PlannedStep } from '../scenario/plan-types.js';
import type { RunSignals } from './abort.js';
import type { Clock } from '../model/time.js';
import type { Journal, JournalEntry } from '../journal/entries.js';
import { handleFromRecord, type ArmedFaults, type Recorder } from './revert.js';
import { injectContext } from './inject-context.js';

type StepOf<K extends PlannedStep['kind']> = Extract<PlannedStep, { kind: K }>;
export type CheckpointStep = StepOf<'checkpoint'>;

// What a facilitator recorded at a checkpoint. `abort: true` stops the drill (faults are reverted).
export interface CheckpointAnswer {
  readonly observation?: string;
  readonly decision?: string;
  readonly by?: string;
  readonly abort?: boolean;
}

// Asks a human at a checkpoint (game days). The signal aborts when the run stops or the step times out.
export type CheckpointAnswerer = (step: CheckpointStep, signal: AbortSignal) => Promise<CheckpointAnswer>;

export const NO_FACILITATOR = 'no facilitator: continued automatically';

export interface StepContext {
  readonly runId: string;
  readonly clock: Clock;
  readonly journal: Journal & Recorder; // stamps `at`; shared with the backend
  readonly entries: readonly JournalEntry[]; // the run's journal so far (actions read the past)
  readonly connected: ConnectedBackend;
  readonly armed: ArmedFaults;
  readonly signals: RunSignals;
  readonly log: (line: string) => void;
  readonly pollIntervalMs: number;
  readonly interactive: CheckpointAnswerer | undefined;
  // Reverts scheduled by faults with a duration; the engine awaits them after the last step.
  readonly scheduled: Promise<unknown>[];
  // Actions repeating on a schedule (`every`); they stop when `stopRepeats` aborts, after the
  // last step, and the engine awaits the run in progress.
  readonly repeats: Promise<unknown>[];
  readonly stopRepeats: AbortController;
}

// A short description of what a step does, for step-invoke entries.
export function opOf(step: PlannedStep): string {
  switch (step.kind) {
    case 'fault':
      return `fault ${step.fault.type}`;
    case 'wait':
      return `wait ${step.wait.condition}`;
    case 'pause':
      return `pause ${formatDuration(step.pause.ms)}`;
    case 'action':
      return `action ${step.action.type}`;
    case 'checkpoint':
      return 'checkpoint';
    case 'revert':
      return `revert ${step.revert.stepId}`;
  }
}

// Runs one step between a step-invoke and a step-complete entry. A step stopped by an abort or a
// signal completes as 'info' (indeterminate) and rethrows the stop; any other failure is 'fail'.
/** @throws KdrillError STEP_FAILED wrapping the cause, or the run's RunStopped reason. */
export async function runStep(step: PlannedStep, ctx: StepContext): Promise<void> {
  await ctx.journal.record({ kind: 'step-invoke', step: step.id, op: opOf(step) });
  ctx.log(`${step.id} ${step.name}: ${step.description}`);
  try {
    const detail = await execute(step, ctx);
    await ctx.journal.record({ kind: 'step-complete', step: step.id, outcome: 'ok', ...(detail !== undefined ? { detail } : {}) });
  } catch (error) {
    const stopped = ctx.signals.signal.aborted;
    await ctx.journal.record({ kind: 'step-complete', step: step.id, outcome: stopped ? 'info' : 'fail', error: serializeError(error) });
    if (stopped) throw ctx.signals.signal.reason;
    const short = error instanceof KdrillError ? error.shortMessage : error instanceof Error ? error.message : String(error);
    throw new KdrillError(ErrorCode.STEP_FAILED, `step ${step.id} "${step.name}" (${step.kind}) failed: ${short}`, { cause: error });
  }
}

function execute(step: PlannedStep, ctx: StepContext): Promise<unknown> {
  switch (step.kind) {
    case 'fault':
      return faultStep(step, ctx);
    case 'wait':
      return waitStep(step, ctx);
    case 'pause':
      return pauseStep(step, ctx);
    case 'action':
      return actionStep(step, ctx);
    case 'checkpoint':
      return checkpointStep(step, ctx);
    case 'revert':
      return revertStep(step, ctx);
  }
}

// Runs the action once; with `every`, again at each multiple of it from then (drill time) until
// the last step is done. A run still going when its slot comes skips that slot. The backend
// never sees `every`: each run is one plain action.
async function actionStep(step: StepOf<'action'>, ctx: StepContext): Promise<unknown> {
  const { every, ...params } = step.action.params;
  const what = `action ${step.action.type}`;
  const once = () => withTimeout(ctx, step.action.timeoutMs, what, (signal) => ctx.connected.act(step.action.type, params, actionContext(ctx, signal)));
  const started = ctx.clock.now();
  const first = await once();
  if (typeof every === 'number' && every > 0) ctx.repeats.push(repeatAction(step, every, started, once, ctx));
  return first;
}

async function repeatAction(step: StepOf<'action'>, every: number, started: number, once: () => Promise<unknown>, ctx: StepContext): Promise<void> {
  const stop = AbortSignal.any([ctx.signals.signal, ctx.stopRepeats.signal]);
  for (let run = 2; ; run++) {
    const slot = started + Math.max(run - 1, Math.ceil((ctx.clock.now() - started) / every)) * every;
    try {
      await ctx.clock.sleep(slot - ctx.clock.now(), stop);
    } catch {
      return; // the steps are over, or the run stopped
    }
    try {
      const detail = await once();
      await ctx.journal.record({ kind: 'action-repeat', step: step.id, run, outcome: 'ok', ...(detail !== undefined ? { detail } : {}) });
      ctx.log(`${step.id} ${step.name}: run ${run} done (every ${formatDuration(every)})`);
    } catch (error) {
      if (ctx.signals.signal.aborted) return;
      await ctx.journal.record({ kind: 'action-repeat', step: step.id, run, outcome: 'fail', error: serializeError(error) });
      ctx.log(`${step.id} ${step.name}: run ${run} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

// plan → inject (the injector arms its revert record first) → fault-injected → register → schedule.
async function faultStep(step: StepOf<'fault'>, ctx: StepContext): Promise<unknown> {
  const { type, params, durationMs } = step.fault;
  const injector = ctx.connected.injector(type);
  const faultPlan = injector.plan(params, await ctx.connected.topology());
  const faultId = faultIdFor(step);
  let handle: FaultHandle;
  const injecting = injectContext({ runId: ctx.runId, faultId, stepId: step.id, record: (entry) => ctx.journal.record(entry), signal: ctx.signals.signal, log: ctx.log });
  try {
    handle = await injector.inject(faultPlan, injecting);
  } catch (error) {
    // The record was journalled, so harm may have started: revert it from the record at the end.
    const record = injecting.armed();
    if (record) ctx.armed.register(handleFromRecord(record, ctx.connected), step.id);
    throw error;
  }
  ctx.armed.register(handle, step.id);
  if (!injecting.armed() || handle.id !== faultId) {
    throw new KdrillError(ErrorCode.INTERNAL, `the ${type} injector armed ${handle.id} without journalling a revert record for ${faultId} first`, {
      hint: 'an Injector must call ctx.arm(record) before the fault takes effect',
    });
  }
  // t0 is when the harm took effect; an injector that did not say so took effect by now.
  if (!injecting.effectiveCalled()) await injecting.effective({ when: 'inject returned' });
  await ctx.journal.record({ kind: 'fault-injected', fault: faultId });
  if (durationMs !== undefined) {
    ctx.scheduled.push(
      ctx.clock.sleep(durationMs, ctx.signals.signal).then(
        () => ctx.armed.revert(faultId, 'duration-elapsed'),
        () => undefined, // stopped: the final revertAll takes over
      ),
    );
  }
  return { fault: faultId, targets: faultPlan.targets };
}

// Polls connected.check until the condition holds; journals an observation whenever it changes.
function waitStep(step: StepOf<'wait'>, ctx: StepContext): Promise<unknown> {
  const { condition, timeoutMs } = step.wait;
  const started = ctx.clock.now();
  return withTimeout(ctx, timeoutMs, `wait for ${condition}`, async (signal) => {
    let last: boolean | undefined;
    let reported = started;
    for (;;) {
      let met = false;
      let value: unknown;
      try {
        const result = await ctx.connected.check(condition, actionContext(ctx, signal));
        met = result.met;
        value = result.detail;
      } catch (error) {
        value = { error: serializeError(error) };
      }
      if (signal.aborted) throw signal.reason;
      if (met !== last) await ctx.journal.record({ kind: 'observation', probe: condition, ok: met, ...(value !== undefined ? { value } : {}) });
      last = met;
      if (met) return { condition, waitedMs: ctx.clock.now() - started };
      if (ctx.clock.now() - reported >= PROGRESS_EVERY_MS) {
        reported = ctx.clock.now();
        ctx.log(`${step.id} still waiting for ${condition}: ${formatDuration(reported - started)} of at most ${formatDuration(timeoutMs)}`);
      }
      await ctx.clock.sleep(ctx.pollIntervalMs, signal);
    }
  });
}

// Long steps say they are alive this often, so an operator never stares at a silent terminal.
const PROGRESS_EVERY_MS = 10_000;

async function pauseStep(step: StepOf<'pause'>, ctx: StepContext): Promise<unknown> {
  await holdFor(step.pause.ms, ctx, (left) => `${step.id} pausing: ${formatDuration(left)} left`);
  return undefined;
}

// Sleeps `ms` on the run's clock (stopped by its signal), saying every 10 s how long is left.
async function holdFor(ms: number, ctx: StepContext, progress: (leftMs: number) => string): Promise<void> {
  let left = ms;
  while (left > 0) {
    const slice = Math.min(left, PROGRESS_EVERY_MS);
    await ctx.clock.sleep(slice, ctx.signals.signal);
    left -= slice;
    if (left > 0) ctx.log(progress(left));
  }
}

// With a facilitator: waits for their answer, up to the timeout. Without one: holds for the
// rehearsal time (like a pause, stopped by the run's signal), so the faults armed before the
// checkpoint have their effect, then journals that it was held.
async function checkpointStep(step: CheckpointStep, ctx: StepContext): Promise<unknown> {
  const ask = ctx.interactive;
  if (!ask) {
    const rehearsalMs = step.checkpoint.rehearsalMs;
    await holdFor(rehearsalMs, ctx, (left) => `${step.id} holding for the rehearsal time (no facilitator): ${formatDuration(left)} left`);
    const observation = rehearsalMs > 0 ? `no facilitator: held for the rehearsal time (${formatDuration(rehearsalMs)}), then continued automatically` : NO_FACILITATOR;
    await ctx.journal.record({ kind: 'checkpoint', step: step.id, observation });
    return undefined;
  }
  let answer: CheckpointAnswer;
  try {
    answer = await withTimeout(ctx, step.checkpoint.timeoutMs, `checkpoint ${step.name}`, (signal) => ask(step, signal));
  } catch (error) {
    if (!(error instanceof KdrillError && error.code === ErrorCode.TIMEOUT)) throw error;
    const observation = `no answer within ${formatDuration(step.checkpoint.timeoutMs)}: continued automatically`;
    await ctx.journal.record({ kind: 'checkpoint', step: step.id, observation });
    return undefined;
  }
  const { abort, ...recorded } = answer;
  await ctx.journal.record({ kind: 'checkpoint', step: step.id, ...recorded });
  if (abort) {
    ctx.signals.abort(`the facilitator stopped the drill at checkpoint ${step.name}`);
    throw ctx.signals.signal.reason;
  }
  return undefined;
}

async function revertStep(step: StepOf<'revert'>, ctx: StepContext): Promise<unknown> {
  const handle = ctx.armed.forStep(step.revert.stepId);
  if (!handle) return { note: `step ${step.revert.stepId} armed no fault` };
  if (!(await ctx.armed.revert(handle.id, 'revert-step'))) {
    throw new KdrillError(ErrorCode.REVERT_FAILED, `could not revert ${handle.id}`, { hint: 'it is retried when the drill ends' });
  }
  return { fault: handle.id };
}

function actionContext(ctx: StepContext, signal: AbortSignal): ActionContext {
  return { runId: ctx.runId, journal: ctx.journal, signal, entries: ctx.entries, log: ctx.log };
}

// Runs `fn` with a signal that aborts when the run stops or `ms` pass; rejects with a TIMEOUT
// KdrillError when time runs out, or the run's stop reason, even if `fn` ignores its signal.
export function withTimeout<T>(ctx: Pick<StepContext, 'clock' | 'signals'>, ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const outer = ctx.signals.signal;
  const expired = new AbortController();
  const settled = new AbortController();
  const signal = AbortSignal.any([outer, expired.signal]);
  return new Promise<T>((resolve, reject) => {
    ctx.clock.sleep(ms, AbortSignal.any([outer, settled.signal])).then(
      () => {
        const error = new KdrillError(ErrorCode.TIMEOUT, `${what} did not finish within ${formatDuration(ms)}`);
        expired.abort(error);
        reject(error);
      },
      () => {
        if (outer.aborted) reject(outer.reason);
      },
    );
    fn(signal).then(
      (value) => {
        settled.abort();
        resolve(value);
      },
      (error: unknown) => {
        settled.abort();
        reject(error);
      },
    );
  });
}
