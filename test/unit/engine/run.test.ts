import { describe, expect, it } from 'vitest';
import type { Backend, ConnectedBackend } from '../../../harness/backends/types.js';
import { BackendUnavailableError } from '../../../harness/common/errors.js';
import type { EntryOf } from '../../../harness/journal/journal.js';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { pendingReverts } from '../../../harness/engine/revert.js';
import { resultFromJournal, statusFromJournal } from '../../../harness/engine/result.js';
import { NO_FACILITATOR } from '../../../harness/engine/steps.js';
import { fakeDrill, kinds, revertOrder, until } from '../../helpers/drill.js';
import { plan } from '../../helpers/plan-builder.js';

function entriesOf<K extends JournalEntry['kind']>(entries: readonly JournalEntry[], kind: K): EntryOf<K>[] {
  return entries.filter((e): e is EntryOf<K> => e.kind === kind);
}

// The journal's facts agree with the returned result, and time never goes back.
function expectConsistent(entries: readonly JournalEntry[], result: Awaited<ReturnType<ReturnType<typeof fakeDrill>['start']>>): void {
  expect(statusFromJournal(entries)).toBe(result.status);
  expect(resultFromJournal(entries, result.journalPath)).toEqual(result);
  const ats = entries.map((e) => e.at);
  expect(ats).toEqual([...ats].sort((a, b) => a - b));
  expect(entries[0]?.kind).toBe('run-start');
  expect(entries.at(-1)?.kind).toBe('run-end');
}

describe('runDrill', () => {
  it('reverts every fault in reverse arming order when the drill passes', async () => {
    const drill = fakeDrill();
    const p = plan().fault('node-crash', { node: 'a-1' }, { name: 'crash' }).fault('zone-outage', { zone: 'b' }).wait('service-restored').pause(5_000).build();

    const result = await drill.start(p);

    expect(result.status).toBe('passed');
    expect(result.faults.map((f) => f.id)).toEqual(['s1-crash', 's2']);
    expect(revertOrder(drill.journal.entries)).toEqual(['s2', 's1-crash']);
    expect(entriesOf(drill.journal.entries, 'fault-reverted').map((e) => e.reason)).toEqual(['end-of-drill', 'end-of-drill']);
    expect(drill.state.healthy()).toBe(true);
    expect(drill.state.events.at(-1)).toEqual({ op: 'dispose' });
    expect(result.steps.map((s) => [s.id, s.kind, s.outcome])).toEqual([
      ['s1', 'fault', 'ok'],
      ['s2', 'fault', 'ok'],
      ['s3', 'wait', 'ok'],
      ['s4', 'pause', 'ok'],
    ]);
    expectConsistent(drill.journal.entries, result);
  });

  it('journals run-start with the plan, run id, wall time and version, then the phases in order', async () => {
    const drill = fakeDrill();
    const p = plan().warmUpMs(2_000).pause(1_000).build();
    const result = await drill.start(p, { observer: undefined });
    const start = drill.journal.entries[0] as EntryOf<'run-start'>;
    expect(start).toMatchObject({ kind: 'run-start', at: 0, runId: 'run-test', kdrillVersion: '0.0.0-test', plan: JSON.parse(JSON.stringify(p)) });
    expect(Date.parse(start.wall)).not.toBeNaN();
    expect(result.startedWall).toBe(start.wall);
    expect(entriesOf(drill.journal.entries, 'phase').map((e) => [e.phase, e.at])).toEqual([
      ['connect', 0],
      ['warm-up', 0],
      ['steps', 2_000],
      ['revert', 3_000],
    ]);
    expect(result.durationMs).toBe(3_000);
  });

  it('journals the revert record before the fault takes effect', async () => {
    const drill = fakeDrill();
    const upWhenArmed: boolean[] = [];
    const spying = {
      path: drill.journal.path,
      append: async (entry: JournalEntry) => {
        if (entry.kind === 'fault-armed') upWhenArmed.push(drill.state.nodes.get('a-1')!.downBy.size === 0);
        await drill.journal.append(entry);
      },
    };
    const result = await drill.start(plan().fault('primary-crash').pause(1_000).build(), { journal: spying });

    expect(result.status).toBe('passed');
    expect(upWhenArmed).toEqual([true]);
    const ops = drill.state.events.map((e) => e.op);
    expect(ops.indexOf('armed-journalled')).toBeGreaterThanOrEqual(0);
    expect(ops.indexOf('armed-journalled')).toBeLessThan(ops.indexOf('harm'));
    expect(kinds(drill.journal.entries, 's1')).toEqual(['fault-armed', 'fault-effective', 'fault-injected', 'fault-reverting', 'fault-reverted']);
    const armed = entriesOf(drill.journal.entries, 'fault-armed')[0]!;
    expect(armed).toMatchObject({ step: 's1', revert: { backend: 'fake', type: 'primary-crash', faultId: 's1', runId: 'run-test', data: { effect: 'down', nodes: ['a-1'] } } });
  });

  it('reverts armed faults when a later step throws, and names the failing step', async () => {
    const drill = fakeDrill({ failInject: ['boom'] });
    const p = plan().fault('node-crash', { node: 'b-1' }).fault('zone-outage', { zone: 'c' }, { name: 'boom' }).pause(60_000).build();

    const result = await drill.start(p);

    expect(result.status).toBe('errored');
    expect(result.error).toMatchObject({ code: 'STEP_FAILED', message: expect.stringContaining('step s2 "boom" (fault) failed') });
    expect(revertOrder(drill.journal.entries)).toEqual(['s1']);
    expect(entriesOf(drill.journal.entries, 'fault-reverted')[0]?.reason).toBe('error');
    expect(drill.state.nodes.get('b-1')!.downBy.size).toBe(0);
    expect(result.steps.map((s) => s.outcome)).toEqual(['ok', 'fail']);
    expect(entriesOf(drill.journal.entries, 'step-invoke').map((e) => e.step)).toEqual(['s1', 's2']);
    expectConsistent(drill.journal.entries, result);
  });

  it('aborts at maxDuration, marks the running step indeterminate and reverts', async () => {
    const drill = fakeDrill();
    const p = plan().maxDurationMs(60_000).fault('node-crash', { node: 'a-1' }).pause(600_000).build();

    const result = await drill.start(p);

    expect(result.status).toBe('aborted');
    expect(entriesOf(drill.journal.entries, 'abort')).toEqual([{ kind: 'abort', at: 60_000, reason: 'max duration 1m exceeded' }]);
    expect(entriesOf(drill.journal.entries, 'fault-reverted')).toEqual([{ kind: 'fault-reverted', at: 60_000, fault: 's1', reason: 'abort' }]);
    expect(result.steps.map((s) => s.outcome)).toEqual(['ok', 'info']);
    expect(result.durationMs).toBe(60_000);
    expect(result.error).toBeUndefined();
    expect(drill.state.healthy()).toBe(true);
    expectConsistent(drill.journal.entries, result);
  });

  it('reverts on SIGINT, then removes its signal handlers', async () => {
    const drill = fakeDrill({ manual: true });
    const running = drill.start(plan().fault('zone-outage', { zone: 'a' }).fault('node-crash', { node: 'b-1' }).pause(600_000).build());
    await until(() => drill.state.events.filter((e) => e.op === 'harm').length === 2, drill.clock);
    expect(drill.signals.listenerCount('SIGINT')).toBe(1);
    expect(drill.state.healthy()).toBe(false);

    await drill.clock.advance(1_000);
    drill.signals.send('SIGINT');
    const result = await running;

    expect(result.status).toBe('interrupted');
    expect(entriesOf(drill.journal.entries, 'signal')).toEqual([{ kind: 'signal', at: 1_000, signal: 'SIGINT' }]);
    expect(revertOrder(drill.journal.entries)).toEqual(['s2', 's1']);
    expect(entriesOf(drill.journal.entries, 'fault-reverted').map((e) => e.reason)).toEqual(['interrupt', 'interrupt']);
    expect(drill.state.healthy()).toBe(true);
    expect(drill.signals.listenerCount('SIGINT')).toBe(0);
    expect(drill.signals.listenerCount('SIGTERM')).toBe(0);
    expectConsistent(drill.journal.entries, result);
  });

  it('reverts on SIGTERM too', async () => {
    const drill = fakeDrill({ manual: true });
    const running = drill.start(plan().fault('node-freeze', { node: 'c-1' }).pause(600_000).build());
    await until(() => drill.state.events.some((e) => e.op === 'harm'), drill.clock);
    drill.signals.send('SIGTERM');
    const result = await running;
    expect(result.status).toBe('interrupted');
    expect(entriesOf(drill.journal.entries, 'fault-reverted').map((e) => e.reason)).toEqual(['interrupt']);
    expect(drill.state.healthy()).toBe(true);
  });

  it('journals a SIGINT during the revert phase without skipping any revert', async () => {
    const drill = fakeDrill();
    const interrupting = {
      path: drill.journal.path,
      append: async (entry: JournalEntry) => {
        await drill.journal.append(entry);
        if (entry.kind === 'phase' && entry.phase === 'revert') drill.signals.send('SIGINT');
        if (entry.kind === 'fault-reverted') drill.signals.send('SIGINT');
      },
    };
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }).fault('node-crash', { node: 'b-1' }).build(), { journal: interrupting });

    expect(entriesOf(drill.journal.entries, 'signal')).toHaveLength(3);
    expect(revertOrder(drill.journal.entries)).toEqual(['s2', 's1']);
    expect(drill.state.healthy()).toBe(true);
    // The drill itself had finished: a signal while cleaning up does not make it interrupted.
    expect(result.status).toBe('passed');
    expect(drill.log.filter((line) => line.includes('still reverting'))).toHaveLength(3);
    expect(drill.log.some((line) => line.includes('stopping the drill'))).toBe(false);
  });

  it('reverts a fault with a duration when it elapses, once, while later steps run', async () => {
    const drill = fakeDrill();
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }, { durationMs: 30_000 }).pause(60_000).build());

    expect(result.status).toBe('passed');
    const reverted = entriesOf(drill.journal.entries, 'fault-reverted');
    expect(reverted).toEqual([{ kind: 'fault-reverted', at: 30_000, fault: 's1', reason: 'duration-elapsed' }]);
    expect(result.faults).toEqual([{ id: 's1', step: 's1', type: 'node-crash', armedAt: 0, effectiveAt: 0, injectedAt: 0, revertedAt: 30_000 }]);
    expect(entriesOf(drill.journal.entries, 'step-complete').find((e) => e.step === 's2')?.at).toBe(60_000);
  });

  it('waits for a scheduled revert that outlasts the last step', async () => {
    const drill = fakeDrill();
    const result = await drill.start(plan().fault('zone-outage', { zone: 'b' }, { durationMs: 120_000 }).pause(10_000).build());
    expect(entriesOf(drill.journal.entries, 'fault-reverted')).toEqual([{ kind: 'fault-reverted', at: 120_000, fault: 's1', reason: 'duration-elapsed' }]);
    expect(result.durationMs).toBe(120_000);
  });

  it('starts steps no earlier than their atMs after the steps phase begins', async () => {
    const drill = fakeDrill();
    await drill.start(plan().warmUpMs(5_000).pause(1_000).pause(1_000, { atMs: 20_000 }).pause(1_000, { atMs: 10_000 }).build());
    expect(entriesOf(drill.journal.entries, 'step-invoke').map((e) => [e.step, e.at])).toEqual([
      ['s1', 5_000],
      ['s2', 25_000],
      ['s3', 26_000], // already past its atMs: starts right after the previous step
    ]);
  });

  it('polls a wait condition, journalling each change of the observation', async () => {
    const drill = fakeDrill();
    drill.state.script.set('leader-elected', [false, false, true]);
    const result = await drill.start(plan().wait('leader-elected', 60_000).build(), { pollIntervalMs: 2_000 });

    expect(result.status).toBe('passed');
    expect(drill.state.events.filter((e) => e.op === 'check')).toHaveLength(3);
    expect(entriesOf(drill.journal.entries, 'observation').map((e) => [e.at, e.probe, e.ok])).toEqual([
      [0, 'leader-elected', false],
      [4_000, 'leader-elected', true],
    ]);
    expect(entriesOf(drill.journal.entries, 'step-complete')[0]).toMatchObject({ outcome: 'ok', detail: { condition: 'leader-elected', waitedMs: 4_000 } });
  });

  it('errors when a wait times out, naming the step, and still reverts', async () => {
    const drill = fakeDrill();
    const p = plan().fault('node-crash', { node: 'c-1' }).wait('cluster-healthy', 10_000, { name: 'healthy' }).build();
    const result = await drill.start(p);

    expect(result.status).toBe('errored');
    expect(result.error?.message).toContain('step s2 "healthy" (wait) failed: wait for cluster-healthy did not finish within 10s');
    expect(result.error?.cause?.code).toBe('TIMEOUT');
    expect(entriesOf(drill.journal.entries, 'step-complete').find((e) => e.step === 's2')).toMatchObject({ at: 10_000, outcome: 'fail' });
    expect(revertOrder(drill.journal.entries)).toEqual(['s1']);
    expect(drill.state.healthy()).toBe(true);
  });

  it('reverts the named fault at a revert step, and not again at the end', async () => {
    const drill = fakeDrill();
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }, { name: 'kill' }).pause(5_000).revert('kill').pause(5_000).build());

    expect(result.status).toBe('passed');
    expect(entriesOf(drill.journal.entries, 'fault-reverted')).toEqual([{ kind: 'fault-reverted', at: 5_000, fault: 's1-kill', reason: 'revert-step' }]);
    expect(drill.state.events.filter((e) => e.op === 'heal')).toHaveLength(1);
  });

  it('continues past a failed revert and reports cleanup-incomplete', async () => {
    const drill = fakeDrill();
    drill.state.failRevert.add('s1');
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }).fault('node-crash', { node: 'b-1' }).build());

    expect(result.status).toBe('cleanup-incomplete');
    expect(kinds(drill.journal.entries).filter((k) => k.startsWith('fault-re'))).toEqual(['fault-reverting', 'fault-reverted', 'fault-reverting', 'fault-revert-failed']);
    expect(revertOrder(drill.journal.entries)).toEqual(['s2']);
    expect(pendingReverts(drill.journal.entries).map((e) => e.fault)).toEqual(['s1']);
    expect(result.faults.find((f) => f.id === 's1')?.revertedAt).toBeUndefined();
    expectConsistent(drill.journal.entries, result);
  });

  it('reverts from the record a fault whose injector failed after arming it', async () => {
    const drill = fakeDrill();
    drill.state.failInjectAfterArm.add('s1');
    const result = await drill.start(plan().fault('zone-outage', { zone: 'a' }).pause(1_000).build());

    expect(result.status).toBe('errored');
    expect(revertOrder(drill.journal.entries)).toEqual(['s1']);
    expect(drill.state.events.find((e) => e.op === 'heal')).toMatchObject({ fault: 's1', from: 'record' });
    expect(drill.state.healthy()).toBe(true);
  });

  it('refuses an injector that harms without journalling its revert record, and reverts it anyway', async () => {
    const drill = fakeDrill();
    const careless: Backend = {
      ...drill.backend,
      connect: async (target, ctx) => {
        const inner = await drill.backend.connect(target, ctx);
        const connected: ConnectedBackend = {
          ...inner,
          injector: (type) => {
            const real = inner.injector(type);
            return { ...real, inject: (faultPlan, injectCtx) => real.inject(faultPlan, { ...injectCtx, arm: async () => {} }) };
          },
        };
        return connected;
      },
    };
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }).build(), { backend: careless });

    expect(result.status).toBe('errored');
    expect(result.error?.cause?.message).toContain('without journalling a revert record for s1 first');
    expect(drill.state.healthy()).toBe(true);
  });

  it('records actions, and errors when one fails', async () => {
    const ok = fakeDrill();
    const passed = await ok.start(plan().fault('primary-crash').action('failover', { to: 'c-1' }).build());
    expect(passed.status).toBe('passed');
    expect(ok.state.events.find((e) => e.op === 'act')).toEqual({ op: 'act', type: 'failover', params: { to: 'c-1' } });

    const failing = fakeDrill();
    failing.state.failAct.add('restore');
    const errored = await failing.start(plan().fault('node-crash', { node: 'b-1' }).action('restore').build());
    expect(errored.status).toBe('errored');
    expect(errored.error?.message).toContain('step s2 "s2" (action) failed: fake: action restore fails');
    expect(failing.state.healthy()).toBe(true);
  });

  it('continues automatically at a checkpoint without a facilitator', async () => {
    const drill = fakeDrill();
    await drill.start(plan().checkpoint('Is the pager ringing?').build());
    expect(entriesOf(drill.journal.entries, 'checkpoint')).toEqual([{ kind: 'checkpoint', at: 0, step: 's1', observation: NO_FACILITATOR }]);
  });

  it('journals what a facilitator answers, and aborts when told to', async () => {
    const drill = fakeDrill();
    const asked: string[] = [];
    const result = await drill.start(plan().fault('node-crash', { node: 'a-1' }).checkpoint('Page received?').checkpoint('Fail over?').pause(1_000).build(), {
      interactive: async (step) => {
        asked.push(step.checkpoint.prompt);
        return step.id === 's2' ? { observation: 'paged at 10:02', by: 'alice' } : { decision: 'stop', by: 'alice', abort: true };
      },
    });

    expect(asked).toEqual(['Page received?', 'Fail over?']);
    expect(entriesOf(drill.journal.entries, 'checkpoint').map(({ at: _at, ...rest }) => rest)).toEqual([
      { kind: 'checkpoint', step: 's2', observation: 'paged at 10:02', by: 'alice' },
      { kind: 'checkpoint', step: 's3', decision: 'stop', by: 'alice' },
    ]);
    expect(result.status).toBe('aborted');
    expect(entriesOf(drill.journal.entries, 'abort')[0]?.reason).toBe('the facilitator stopped the drill at checkpoint s3');
    expect(entriesOf(drill.journal.entries, 'step-invoke').map((e) => e.step)).toEqual(['s1', 's2', 's3']);
    expect(drill.state.healthy()).toBe(true);
  });

  it('continues when a facilitator does not answer in time', async () => {
    const drill = fakeDrill();
    const result = await drill.start(plan().checkpoint('Anyone?', 30_000).build(), { interactive: () => new Promise(() => {}) });
    expect(result.status).toBe('passed');
    expect(entriesOf(drill.journal.entries, 'checkpoint')).toEqual([{ kind: 'checkpoint', at: 30_000, step: 's1', observation: 'no answer within 30s: continued automatically' }]);
  });

  it('errors without touching anything when the backend cannot connect', async () => {
    const drill = fakeDrill();
    const unavailable: Backend = {
      ...drill.backend,
      connect: async () => {
        throw new BackendUnavailableError('no cluster here', [{ strategy: 'fake', reason: 'test' }]);
      },
    };
    const result = await drill.start(plan().fault('node-crash').build(), { backend: unavailable });
    expect(result.status).toBe('errored');
    expect(result.error).toMatchObject({ name: 'BackendUnavailableError', code: 'BACKEND_UNAVAILABLE' });
    expect(result.faults).toEqual([]);
    expect(drill.state.events).toEqual([]);
    expect(drill.signals.listenerCount('SIGINT')).toBe(0);
  });
});
