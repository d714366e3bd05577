import { describe, expect, it } from 'vitest';
import { createFakeBackend } from '../../../harness/backends/fake/index.js';
import { FakeClock } from '../../../harness/testing/fake-clock.js';
import { stampedJournal } from '../../../harness/journal/journal.js';
import { MemoryJournal } from '../../../harness/testing/memory-journal.js';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { ArmedFaults, cleanupFromJournal, handleFromRecord, pendingReverts } from '../../../harness/engine/revert.js';
import type { FaultHandle } from '../../../harness/faults/types.js';
import type { RevertRecord } from '../../../harness/model/fault.js';
import { fakeTarget } from '../../helpers/plan-builder.js';
import { testInjectContext } from '../../../harness/testing/inject-context.js';

const record = (faultId: string, backend = 'fake'): RevertRecord => ({ backend, type: 'node-crash', faultId, runId: 'r1', data: { effect: 'down', nodes: ['a-1'] } });

// A handle that counts its reverts and can be told to fail.
function handle(id: string, calls: string[], fail = { times: 0 }): FaultHandle {
  let reverted = false;
  const revert = async (): Promise<void> => {
    calls.push(id);
    if (fail.times > 0) {
      fail.times -= 1;
      throw new Error(`${id} will not revert`);
    }
    reverted = true;
  };
  return {
    id,
    revertRecord: record(id),
    get reverted() {
      return reverted;
    },
    revert,
    [Symbol.asyncDispose]: revert,
  };
}

function setup(): { armed: ArmedFaults; journal: MemoryJournal; clock: FakeClock; calls: string[] } {
  const journal = new MemoryJournal();
  const clock = new FakeClock();
  return { armed: new ArmedFaults(stampedJournal(journal, clock)), journal, clock, calls: [] };
}

describe('ArmedFaults', () => {
  it('reverts everything newest first and journals each revert with its reason', async () => {
    const { armed, journal, calls } = setup();
    for (const id of ['f1', 'f2', 'f3']) armed.register(handle(id, calls), `step-${id}`);
    expect(await armed.revertAll('end-of-drill')).toBe(true);
    expect(calls).toEqual(['f3', 'f2', 'f1']);
    // Each revert journals when it began (its harm may linger while it heals) and when it was done.
    expect(journal.entries).toEqual(['f3', 'f2', 'f1'].flatMap((fault) => (['fault-reverting', 'fault-reverted'] as const).map((kind) => ({ kind, at: 0, fault, reason: 'end-of-drill' }))));
    expect(armed.armed).toEqual([]);
  });

  it('makes a second revert a no-op, and joins a revert already running', async () => {
    const { armed, journal, calls } = setup();
    armed.register(handle('f1', calls), 's1');
    const [a, b] = await Promise.all([armed.revert('f1', 'revert-step'), armed.revert('f1', 'revert-step')]);
    expect([a, b]).toEqual([true, true]);
    expect(await armed.revert('f1', 'end-of-drill')).toBe(true);
    expect(await armed.revertAll('end-of-drill')).toBe(true);
    expect(calls).toEqual(['f1']);
    expect(journal.entries.map((e) => e.kind)).toEqual(['fault-reverting', 'fault-reverted']);
  });

  it('continues past a failing revert, journals it, and reports not all reverted', async () => {
    const { armed, journal, calls } = setup();
    armed.register(handle('f1', calls), 's1');
    armed.register(handle('f2', calls, { times: 5 }), 's2');
    armed.register(handle('f3', calls), 's3');
    expect(await armed.revertAll('error')).toBe(false);
    expect(calls).toEqual(['f3', 'f2', 'f1']);
    expect(journal.entries.map((e) => [e.kind, 'fault' in e ? e.fault : ''])).toEqual([
      ['fault-reverting', 'f3'],
      ['fault-reverted', 'f3'],
      ['fault-reverting', 'f2'],
      ['fault-revert-failed', 'f2'],
      ['fault-reverting', 'f1'],
      ['fault-reverted', 'f1'],
    ]);
    expect(journal.entries[3]).toMatchObject({ error: { name: 'Error', message: 'f2 will not revert' } });
    expect(armed.armed).toEqual(['f2']);
  });

  it('retries a fault whose earlier revert failed', async () => {
    const { armed, calls } = setup();
    armed.register(handle('f1', calls, { times: 1 }), 's1');
    expect(await armed.revert('f1', 'duration-elapsed')).toBe(false);
    expect(await armed.revertAll('end-of-drill')).toBe(true);
    expect(calls).toEqual(['f1', 'f1']);
  });

  it('keeps reverting when the journal cannot be written', async () => {
    const calls: string[] = [];
    const logs: string[] = [];
    const armed = new ArmedFaults({ record: () => Promise.reject(new Error('disk full')) }, (line) => logs.push(line));
    armed.register(handle('f1', calls), 's1');
    armed.register(handle('f2', calls), 's2');
    expect(await armed.revertAll('error')).toBe(true);
    expect(calls).toEqual(['f2', 'f1']);
    expect(logs.filter((l) => l.includes('disk full'))).toHaveLength(4); // reverting and reverted, each
  });

  it('finds the fault a step armed', () => {
    const { armed, calls } = setup();
    armed.register(handle('f1', calls), 's1');
    expect(armed.forStep('s1')?.id).toBe('f1');
    expect(armed.forStep('s2')).toBeUndefined();
    expect(() => armed.register(handle('f1', calls), 's3')).toThrow(/already registered/);
  });
});

const armedEntry = (fault: string, at: number, backend = 'fake'): JournalEntry => ({ kind: 'fault-armed', at, fault, step: fault, revert: record(fault, backend) });
const revertedEntry = (fault: string, at: number): JournalEntry => ({ kind: 'fault-reverted', at, fault, reason: 'revert-step' });

describe('pendingReverts', () => {
  it('lists armed faults without a fault-reverted, in arming order, even after a failed revert', () => {
    const entries: JournalEntry[] = [
      armedEntry('f1', 1),
      armedEntry('f2', 2),
      armedEntry('f3', 3),
      revertedEntry('f2', 4),
      { kind: 'fault-revert-failed', at: 5, fault: 'f3', error: { name: 'Error', message: 'no' } },
    ];
    expect(pendingReverts(entries).map((e) => e.fault)).toEqual(['f1', 'f3']);
    expect(pendingReverts([...entries, revertedEntry('f1', 6), revertedEntry('f3', 7)])).toEqual([]);
  });
});

describe('cleanupFromJournal', () => {
  it('reverts only the pending faults, newest first, from their records', async () => {
    const reverted: string[] = [];
    const resolved: string[] = [];
    const entries = [armedEntry('f1', 10), armedEntry('f2', 20), armedEntry('f3', 30), revertedEntry('f2', 40)];
    const journal = new MemoryJournal();
    const result = await cleanupFromJournal(
      entries,
      async (r) => {
        resolved.push(r.backend);
        return { revertFromRecord: async (rec) => void reverted.push(rec.faultId) };
      },
      journal,
      new FakeClock(),
    );
    expect(reverted).toEqual(['f3', 'f1']);
    expect(resolved).toEqual(['fake']);
    expect(result).toEqual({ reverted: ['f3', 'f1'], failed: [] });
    expect(journal.entries).toEqual([
      { kind: 'fault-reverted', at: 40, fault: 'f3', reason: 'cleanup' },
      { kind: 'fault-reverted', at: 40, fault: 'f1', reason: 'cleanup' },
    ]);
    expect(pendingReverts([...entries, ...journal.entries])).toEqual([]);
  });

  it('continues past a failure and leaves that fault pending', async () => {
    const journal = new MemoryJournal();
    const entries = [armedEntry('f1', 1), armedEntry('f2', 2, 'elsewhere')];
    const result = await cleanupFromJournal(
      entries,
      async (r) => {
        if (r.backend === 'elsewhere') throw new Error('cannot reach elsewhere');
        return { revertFromRecord: async () => {} };
      },
      journal,
      new FakeClock(),
    );
    expect(result.reverted).toEqual(['f1']);
    expect(result.failed).toEqual([{ fault: 'f2', error: { name: 'Error', message: 'cannot reach elsewhere' } }]);
    expect(pendingReverts([...entries, ...journal.entries]).map((e) => e.fault)).toEqual(['f2']);
  });

  it('heals a crashed run on the fake cluster, leaving alone what the run had reverted', async () => {
    const { backend, state } = createFakeBackend();
    const ctx = { runId: 'r1', runDir: '/tmp/r1', journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} };
    const crashed = await backend.connect(fakeTarget(), ctx);
    const runJournal = new MemoryJournal();
    const inject = async (faultId: string, type: 'node-crash' | 'zone-outage', params: Record<string, unknown>): Promise<FaultHandle> => {
      const injector = crashed.injector(type);
      return injector.inject(injector.plan(params, await crashed.topology()), testInjectContext({ runId: 'r1', faultId, journal: runJournal, signal: ctx.signal }));
    };
    await inject('s1', 'node-crash', { node: 'c-1' });
    const second = await inject('s2', 'zone-outage', { zone: 'a' });
    await inject('s3', 'node-crash', { node: 'b-1' });
    await second.revert();
    await runJournal.append({ kind: 'fault-reverted', at: 5, fault: 's2', reason: 'revert-step' });
    expect([...state.nodes.values()].filter((n) => n.downBy.size > 0).map((n) => n.name)).toEqual(['b-1', 'c-1']);
    // The harness dies here. `kdrill cleanup` reconnects and reverts from the journal alone.
    const healsBefore = state.events.filter((e) => e.op === 'heal').length;

    const result = await cleanupFromJournal(runJournal.entries, () => backend.connect(fakeTarget(), ctx), new MemoryJournal(), new FakeClock());

    expect(result.reverted).toEqual(['s3', 's1']);
    expect(state.healthy()).toBe(true);
    expect(state.events.filter((e) => e.op === 'heal').slice(healsBefore)).toEqual([
      { op: 'heal', fault: 's3', effect: 'down', nodes: ['b-1'], from: 'record' },
      { op: 'heal', fault: 's1', effect: 'down', nodes: ['c-1'], from: 'record' },
    ]);
    expect(state.connections).toBe(2);
  });
});

describe('handleFromRecord', () => {
  it('reverts through the backend once, and can retry after a failure', async () => {
    let attempts = 0;
    const h = handleFromRecord(record('f9'), {
      revertFromRecord: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('flaky');
      },
    });
    await expect(h.revert()).rejects.toThrow('flaky');
    expect(h.reverted).toBe(false);
    await h.revert();
    await h.revert();
    expect(h.reverted).toBe(true);
    expect(attempts).toBe(2);
  });
});
