import { describe, expect, it } from 'vitest';
import type { JournalEntry, RunStatus } from '../../../harness/engine/journal-types.js';
import { deriveStatus, resultFromJournal, statusFromJournal } from '../../../harness/engine/result.js';
import { plan } from '../../helpers/plan-builder.js';

const p = plan().fault('node-crash', { node: 'a-1' }, { name: 'kill' }).pause(1_000).build();
const start: JournalEntry = { kind: 'run-start', at: 0, wall: '2030-01-01T00:00:00.000Z', runId: 'r9', plan: p, kdrillVersion: '1' };
const armed: JournalEntry = { kind: 'fault-armed', at: 10, fault: 's1-kill', step: 's1', revert: { backend: 'fake', type: 'node-crash', faultId: 's1-kill', runId: 'r9', data: {} } };
const revertPhase: JournalEntry = { kind: 'phase', at: 500, phase: 'revert' };
const reverted: JournalEntry = { kind: 'fault-reverted', at: 600, fault: 's1-kill', reason: 'end-of-drill' };
const end = (status: RunStatus, at = 700): JournalEntry => ({ kind: 'run-end', at, status });

describe('statusFromJournal', () => {
  it('passes a clean run', () => {
    expect(statusFromJournal([start, armed, revertPhase, reverted, end('passed')])).toBe('passed');
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
    expect(statusFromJournal([start, armed, revertPhase, sigint, reverted, end('passed')])).toBe('passed');
  });

  it('says errored for a failed step, a run-end error, or a journal that stops without run-end', () => {
    const failed: JournalEntry = { kind: 'step-complete', at: 20, step: 's2', outcome: 'fail' };
    expect(statusFromJournal([start, failed, revertPhase, end('errored')])).toBe('errored');
    expect(statusFromJournal([start, revertPhase, { kind: 'run-end', at: 9, status: 'errored', error: { name: 'Error', message: 'x' } }])).toBe('errored');
    expect(statusFromJournal([start, armed, reverted])).toBe('errored');
    expect(statusFromJournal([start, armed])).toBe('cleanup-incomplete');
  });

  it('keeps a measured verdict the engine cannot derive', () => {
    expect(statusFromJournal([start, armed, revertPhase, reverted, end('targets-missed')])).toBe('targets-missed');
    expect(deriveStatus([start], undefined, true)).toBe('passed');
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
      status: 'passed',
      startedWall: '2030-01-01T00:00:00.000Z',
      durationMs: 650,
      journalPath: '/runs/r9/journal.jsonl',
      faults: [{ id: 's1-kill', step: 's1', type: 'node-crash', armedAt: 10, injectedAt: 12, revertedAt: 600 }],
      steps: [
        { id: 's1', name: 'kill', kind: 'fault', outcome: 'ok', startedAt: 5, endedAt: 13 },
        { id: 's2', name: 's2', kind: 'pause', outcome: 'info', startedAt: 13 },
      ],
      targets: [],
      evidence: {},
    });
  });
});
