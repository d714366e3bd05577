import { EventEmitter } from 'node:events';
import { createFakeBackend, type FakeState } from '../../harness/backends/fake/index.js';
import type { Backend } from '../../harness/backends/types.js';
import { FakeClock } from '../../harness/testing/fake-clock.js';
import { MemoryJournal } from '../../harness/testing/memory-journal.js';
import { runDrill, type DrillObserver, type RunOptions } from '../../harness/engine/run.js';
import type { RunResult } from '../../harness/engine/result.js';
import type { JournalEntry } from '../../harness/journal/entries.js';
import type { Plan } from '../../harness/scenario/plan-types.js';
import { fakeTarget } from './plan-builder.js';

// Stands in for `process` as a source of SIGINT/SIGTERM.
export class FakeSignals extends EventEmitter {
  send(signal: 'SIGINT' | 'SIGTERM'): void {
    this.emit(signal);
  }
}

export interface FakeDrill {
  readonly clock: FakeClock;
  readonly journal: MemoryJournal;
  readonly backend: Backend;
  readonly state: FakeState;
  readonly signals: FakeSignals;
  readonly log: string[];
  // Starts the drill; the promise settles when it ends.
  start(plan: Plan, options?: Partial<RunOptions>): Promise<RunResult>;
}

// The engine's tests are about the engine, not measurement (test/unit/measure has those): this
// observer journals the run's figures as measured and met, so that a clean fake drill can pass
// (a drill where nothing was measured never does).
export const metTargets: DrillObserver = {
  async judge(ctx) {
    for (const [name, unit] of [['rto', 'ms'], ['rpo', 'ms'], ['lost-writes', 'writes']] as const) {
      await ctx.journal.record({ kind: 'measurement', name, value: 0, unit, why: 'stand-in: this engine test measures nothing', from: [] });
    }
  },
};

// Everything a drill needs, faked: clock (auto-advancing unless `manual`), journal, backend, signals.
export function fakeDrill(options: { manual?: boolean; zones?: string[]; failInject?: string[] } = {}): FakeDrill {
  const clock = new FakeClock({ auto: !options.manual });
  const journal = new MemoryJournal();
  const { backend, state } = createFakeBackend();
  for (const name of options.failInject ?? []) state.failInject.add(name);
  const signals = new FakeSignals();
  const log: string[] = [];
  return {
    clock,
    journal,
    backend,
    state,
    signals,
    log,
    start: (plan, overrides = {}) =>
      runDrill(plan, {
        backend,
        target: fakeTarget(options.zones ? { zones: options.zones } : {}),
        clock,
        journal,
        runId: 'run-test',
        runDir: '/nonexistent/run-test',
        signals,
        log: (line) => log.push(line),
        kdrillVersion: '0.0.0-test',
        observer: metTargets,
        ...overrides,
      }),
  };
}

// The kinds of the entries, in order, optionally only those naming `fault`.
export function kinds(entries: readonly JournalEntry[], fault?: string): string[] {
  return entries.filter((e) => fault === undefined || ('fault' in e && e.fault === fault)).map((e) => e.kind);
}

// Ids of faults in the order their fault-reverted entries appear.
export function revertOrder(entries: readonly JournalEntry[]): string[] {
  return entries.flatMap((e) => (e.kind === 'fault-reverted' ? [e.fault] : []));
}

// Lets the program run (no time passes) until `predicate` holds; fails after 100 idle turns.
export async function until(predicate: () => boolean, clock: FakeClock): Promise<void> {
  for (let turn = 0; turn < 100; turn++) {
    if (predicate()) return;
    await clock.flush();
  }
  throw new Error('until: condition never held');
}
