import { formatDuration } from '../model/duration.js';
import type { Clock } from '../model/time.js';
import type { Recorder } from './revert.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

// Where SIGINT/SIGTERM come from: `process` in the CLI, an EventEmitter in tests.
export interface SignalSource {
  on(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
}

// Why a run stopped early: an abort condition (max duration, facilitator, caller) or a signal.
export type RunStop =
  | { readonly kind: 'abort'; readonly reason: string }
  | { readonly kind: 'interrupt'; readonly signal: StopSignal; readonly reason: string };

// The abort reason carried by RunSignals.signal; sleeps and steps reject with it.
export class RunStopped extends Error {
  override readonly name = 'RunStopped';
  constructor(readonly stop: RunStop) {
    super(stop.reason);
  }
}

export interface RunSignalsOptions {
  readonly journal: Recorder;
  readonly clock: Clock;
  readonly source?: SignalSource | undefined;
  readonly maxDurationMs?: number | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

// Everything that can stop a run early, folded into one AbortSignal. Signal handlers replace
// Node's default (exit), so faults are always reverted; they are removed by dispose().
export class RunSignals implements Disposable {
  private readonly controller = new AbortController();
  private readonly timer = new AbortController();
  private readonly handlers: [StopSignal, () => void][] = [];
  private reverting = false;
  private first: RunStop | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: RunSignalsOptions) {
    this.log = options.log ?? (() => {});
    for (const name of STOP_SIGNALS) {
      const handler = (): void => this.onSignal(name);
      options.source?.on(name, handler);
      this.handlers.push([name, handler]);
    }
    if (options.maxDurationMs !== undefined && Number.isFinite(options.maxDurationMs)) {
      const limit = options.maxDurationMs;
      options.clock.sleep(limit, this.timer.signal, { unref: true }).then(
        () => this.abort(`max duration ${formatDuration(limit)} exceeded`),
        () => undefined,
      );
    }
  }

  // Aborted on the first stop; steps, sleeps and backend calls listen to it.
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  // The first stop, if any.
  get stopped(): RunStop | undefined {
    return this.first;
  }

  // Stops the run for `reason` (an abort condition). Later stops are journalled but change nothing.
  abort(reason: string): void {
    if (this.reverting) return;
    void this.record({ kind: 'abort', reason });
    this.stop({ kind: 'abort', reason });
  }

  // From here on signals are journalled but do not interrupt: reverting must finish.
  enterRevert(): void {
    this.reverting = true;
    this.timer.abort();
  }

  // Removes the signal handlers and the max-duration timer. Idempotent.
  dispose(): void {
    this.timer.abort();
    for (const [name, handler] of this.handlers.splice(0)) this.options.source?.off(name, handler);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private onSignal(name: StopSignal): void {
    void this.record({ kind: 'signal', signal: name });
    if (this.reverting || this.first) {
      this.log(`${name} received: still reverting faults, which is never skipped; kill -9 leaves them armed (then run \`kdrill cleanup\`)`);
      return;
    }
    this.log(`${name} received: stopping the drill and reverting every armed fault`);
    this.stop({ kind: 'interrupt', signal: name, reason: `interrupted by ${name}` });
  }

  private stop(stop: RunStop): void {
    if (this.first) return;
    this.first = stop;
    this.controller.abort(new RunStopped(stop));
  }

  private async record(entry: Parameters<Recorder['record']>[0]): Promise<void> {
    try {
      await this.options.journal.record(entry);
    } catch (error) {
      this.log(`could not journal ${entry.kind}: ${String(error)}`);
    }
  }
}
