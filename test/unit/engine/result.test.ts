import { describe, expect, it } from 'vitest';
import type { JournalEntry, RunStatus } from '../../../harness/journal/entries.js';
import { deriveStatus, resultFromJournal, statusFromJournal } from '../../../harness/engine/result.js';
import { plan } from '../../helpers/plan-builder.js';

const p = plan().fault('node-crash', { node: 'a-1' }, { name: 'kill' }).pause(1_000).build();
const start: JournalEntry = { kind: 'run-start', at: 0, wall: '2030-01-01T00:00:00.000Z', runId: 'r9', plan: p, kdrillVersion: '1' };
const armed: JournalEntry = { kind: 'fault-armed', at: 10, fault: 's1-kill', step: 's1', revert: { backend: 'fake', type: 'node-crash', faultId: 's1-kill', runId: 'r9', data: {} } };
const revertPhase: JournalEntry = { kind: 'phase', at: 500, phase: 'revert' };
const reverted: JournalEntry = { kind: 'fault-reverted', at: 600, fault: 's1-kill', reason: 'end-of-drill' };
const end = (status: RunStatus, at = 700): JournalEntry => ({ kind: 'run-end', at, status });
const measured = (name: 'rto' | 'rpo', value: number, fault?: string): JournalEntry => ({ kind: 'measurement', at: 640, name, ...(fault ? { fault } : {}), value, unit: 'ms', why: 'test', from: [] });
// Both targets of the plan measured and met.
const met: JournalEntry[] = [measured('rto', 1_000), measured('rpo', 0)];
const notExercised = (name: 'rto' | 'rpo', expectedNoImpact: boolean, fault?: string): JournalEntry => ({ kind: 'measurement', at: 640, name, ...(fault ? { fault } : {}), notExercised: true, unit: 'ms', why: 'no fault disrupted clients', evidence: { expectedNoImpact }, from: [] });

describe('statusFromJournal', () => {
  it('passes a clean run', () => {
    expect(statusFromJournal([start, armed, revertPhase, reverted, ...met, end('passed')])).toBe('passed');
  });

  it('never passes a run whose targets were not measured, or not exercised by any fault', () => {
    expect(statusFromJournal([start, armed, revertPhase, reverted, end('passed')])).toBe('targets-missed');
    expect(statusFromJournal([start, armed, revertPhase, reverted, measured('rto', 1_000), end('passed')])).toBe('targets-missed');
    expect(statusFromJournal([start, armed, revertPhase, reverted, notExercised('rto', false), measured('rpo', 0), end('passed')])).toBe('targets-missed');
    const targets = resultFromJournal([start, armed, revertPhase, reverted, notExercised('rto', false), end('passed')]).targets;
    expect(targets.map((t) => [t.name, t.status])).toEqual([['rto', 'not-exercised'], ['rpo', 'not-measured']]);
  });

  it('judges a fault declared expect: no-impact by its own window, in place of an RTO it did not exercise', () => {
    const quiet = plan().fault('node-crash', { node: 'a-2' }, { name: 'replica', expect: 'no-impact' }).build();
    const begin: JournalEntry = { ...start, plan: quiet } as JournalEntry;
    const armedQuiet: JournalEntry = { kind: 'fault-armed', at: 10, fault: 's1-replica', step: 's1', revert: { backend: 'fake', type: 'node-crash', faultId: 's1-replica', runId: 'r9', data: {} } };
    const revertedQuiet: JournalEntry = { kind: 'fault-reverted', at: 600, fault: 's1-replica', reason: 'end-of-drill' };
    const noImpact = [revertedQuiet, notExercised('rto', true), notExercised('rpo', true), notExercised('rto', true, 's1-replica')];
    expect(statusFromJournal([begin, armedQuiet, revertPhase, ...noImpact, end('passed')])).toBe('passed');
    const targets = resultFromJournal([begin, armedQuiet, revertPhase, ...noImpact, end('passed')]).targets;
    expect(targets.map((t) => [t.name, t.status])).toEqual([['rto', 'not-applicable'], ['rpo', 'not-applicable'], ['no-impact', 'met']]);
    const hurt = [revertedQuiet, measured('rto', 4_000), measured('rpo', 0), measured('rto', 4_000, 's1-replica')];
    expect(statusFromJournal([begin, armedQuiet, revertPhase, ...hurt, end('passed')])).toBe('targets-missed');
    expect(resultFromJournal([begin, armedQuiet, revertPhase, ...hurt, end('passed')]).targets.at(-1)).toMatchObject({ name: 'no-impact', fault: 's1-replica', status: 'missed' });
    // Interrupted and never restored: missed as well, not "not measured".
    const impact: JournalEntry = { kind: 'measurement', at: 640, name: 'time-to-impact', fault: 's1-replica', value: 120, unit: 'ms', why: 'write 9 failed', from: [] };
    const unrestored: JournalEntry = { kind: 'measurement', at: 640, name: 'rto', fault: 's1-replica', unit: 'ms', why: 'never healthy again', from: [] };
    expect(resultFromJournal([begin, armedQuiet, revertPhase, revertedQuiet, impact, unrestored, end('passed')]).targets.at(-1)).toMatchObject({ name: 'no-impact', status: 'missed' });
  });

  it('says cleanup-incomplete whenever a fault is left armed, above every other status', () => {
    const signal: JournalEntry = { kind: 'signal', at: 100, signal: 'SIGINT' };
    expect(statusFromJournal([start, armed, signal, revertPhase, end('interrupted')])).toBe('cleanup-incomplete');
  });

  it('says interrupted or aborted for the first stop before the revert phase only', () => {
    const sigint: JournalEntry = { kind: 'signal', at: 100, signal: 'SIGINT' };
    const abort: JournalEntry = { kind: 'abort', at: 200, reason: 'max duration' };
    expect(statusFromJournal([start, armed, sigint, abort, revertPhase, reverted, end('interrupted')])).toBe('interrupted');
    expect(statusFromJournal([start, armed, abort, sigint, revertPhase, reverted, end('aborted')])).toBe('aborted');
    expect(statusFromJournal([start, armed, revertPhase, sigint, reverted, ...met, end('passed')])).toBe('passed');
  });

  it('says errored for a failed step, a run-end error, or a journal that stops without run-end', () => {
    const failed: JournalEntry = { kind: 'step-complete', at: 20, step: 's2', outcome: 'fail' };
    expect(statusFromJournal([start, failed, revertPhase, end('errored')])).toBe('errored');
    expect(statusFromJournal([start, revertPhase, { kind: 'run-end', at: 9, status: 'errored', error: { name: 'Error', message: 'x' } }])).toBe('errored');
    expect(statusFromJournal([start, armed, reverted])).toBe('errored');
    expect(statusFromJournal([start, armed])).toBe('cleanup-incomplete');
  });

  it('says targets-missed when a measured target is missed, from the measurements alone', () => {
    const rto = (value: number): JournalEntry => ({ kind: 'measurement', at: 650, name: 'rto', value, unit: 'ms', why: 'test', from: [] });
    const rpo = measured('rpo', 0);
    expect(statusFromJournal([start, armed, revertPhase, reverted, rto(900_000), rpo, end('passed')])).toBe('passed');
    expect(statusFromJournal([start, armed, revertPhase, reverted, rto(900_001), rpo, end('passed')])).toBe('targets-missed');
    expect(deriveStatus([start, ...met], undefined, true)).toBe('passed');
  });

  it('says targets-missed when the steady state does not return after the faults', () => {
    const after = (held: boolean): JournalEntry => ({ kind: 'steady-state', at: 650, when: 'after', held, checks: [{ probe: 'redundancy', held, detail: held ? '2 of 2 streaming' : '1 of 2 streaming' }] });
    expect(statusFromJournal([start, armed, revertPhase, reverted, ...met, after(true), end('passed')])).toBe('passed');
    expect(statusFromJournal([start, armed, revertPhase, reverted, ...met, after(false), end('passed')])).toBe('targets-missed');
  });

  it('says integrity-failed when a required verification fails, above a missed target; an optional one never fails the run', () => {
    const verification = (required: boolean): JournalEntry => ({ kind: 'verification', at: 660, verify: 'amcheck', required, verdict: 'fail', summary: 'bad index' });
    const missed: JournalEntry = { kind: 'measurement', at: 650, name: 'rpo', value: 5, unit: 'ms', why: 'test', from: [] };
    expect(statusFromJournal([start, armed, revertPhase, reverted, missed, verification(true), end('passed')])).toBe('integrity-failed');
    expect(statusFromJournal([start, armed, revertPhase, reverted, ...met, verification(false), end('passed')])).toBe('passed');
  });
});

describe('a restore that gave no usable instance', () => {
  const recoveryFailed = { name: 'RestoreFailed', code: 'RECOVERY_FAILED', message: 'pgBackRest could not restore backup X: lz4 error' };
  const failedRestore: JournalEntry = { kind: 'step-complete', at: 20, step: 's3', outcome: 'fail', error: recoveryFailed };
  const runError = { name: 'KdrillError', code: 'STEP_FAILED', message: 'step s3 failed', cause: recoveryFailed };

  it('fails the drill (integrity-failed): the system did not recover, the harness did not break', () => {
    expect(statusFromJournal([start, failedRestore, revertPhase, { kind: 'run-end', at: 30, status: 'integrity-failed', error: runError }])).toBe('integrity-failed');
  });

  it('still says errored when another step failed for another reason', () => {
    const otherFailure: JournalEntry = { kind: 'step-complete', at: 10, step: 's1', outcome: 'fail', error: { name: 'KdrillError', code: 'INTERNAL', message: 'patronictl is not installed' } };
    expect(statusFromJournal([start, otherFailure, failedRestore, revertPhase, { kind: 'run-end', at: 30, status: 'errored', error: runError }])).toBe('errored');
    expect(statusFromJournal([start, revertPhase, { kind: 'run-end', at: 30, status: 'errored', error: { name: 'Error', message: 'disk full' } }])).toBe('errored');
  });
});

describe('resultFromJournal', () => {
  it('rebuilds faults, steps and timing from the entries alone', () => {
    const entries: JournalEntry[] = [
      start,
      { kind: 'step-invoke', at: 5, step: 's1', op: 'fault node-crash' },
      armed,
      { kind: 'fault-injected', at: 12, fault: 's1-kill' },
      { kind: 'step-complete', at: 13, step: 's1', outcome: 'ok' },
      { kind: 'step-invoke', at: 13, step: 's2', op: 'pause 1s' },
      revertPhase,
      reverted,
      end('passed', 650),
    ];
    expect(resultFromJournal(entries, '/runs/r9/journal.jsonl')).toEqual({
      runId: 'r9',
      status: 'targets-missed', // nothing was measured: never a pass
      startedWall: '2030-01-01T00:00:00.000Z',
      durationMs: 650,
      journalPath: '/runs/r9/journal.jsonl',
      faults: [{ id: 's1-kill', step: 's1', type: 'node-crash', armedAt: 10, injectedAt: 12, revertedAt: 600 }],
      steps: [
        { id: 's1', name: 'kill', kind: 'fault', outcome: 'ok', startedAt: 5, endedAt: 13 },
        { id: 's2', name: 's2', kind: 'pause', outcome: 'info', startedAt: 13 },
      ],
      measurements: [],
      targets: [
        { name: 'rto', required: 900_000, unit: 'ms', status: 'not-measured', derivation: 'not measured: the run produced no such measurement' },
        { name: 'rpo', required: 0, unit: 'ms', status: 'not-measured', derivation: 'not measured: the run produced no such measurement' },
      ],
      evidence: {},
    });
  });
});
