import { describe, expect, it } from 'vitest';
import type { EntryOf } from '../../../harness/journal/journal.js';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { NO_FACILITATOR } from '../../../harness/engine/steps.js';
import { fakeDrill } from '../../helpers/drill.js';
import { plan } from '../../helpers/plan-builder.js';

// A checkpoint without a facilitator holds for its rehearsal time, so the fault armed before it
// has its effect before the revert after it; with a facilitator the rehearsal plays no part.
// (The verdict is not asserted: the fake backend's freeze is not measured against targets here.)

function entriesOf<K extends JournalEntry['kind']>(entries: readonly JournalEntry[], kind: K): EntryOf<K>[] {
  return entries.filter((e): e is EntryOf<K> => e.kind === kind);
}
const stepAt = (entries: readonly JournalEntry[], kind: 'step-invoke' | 'step-complete', step: string) => entriesOf(entries, kind).find((e) => e.step === step)?.at;
const revertedAt = (entries: readonly JournalEntry[], fault: string) => entriesOf(entries, 'fault-reverted').find((e) => e.fault === fault)?.at;

// s1 freezes a node, s2 is the checkpoint, s3 reverts the freeze.
const drillPlan = (rehearsalMs: number, options: { maxDurationMs?: number } = {}) => {
  const builder = plan().fault('node-freeze', { node: 'a-1' }, { name: 'freeze' }).checkpoint('What do you see?', 20 * 60_000, { rehearsalMs }).revert('freeze');
  return (options.maxDurationMs !== undefined ? builder.maxDurationMs(options.maxDurationMs) : builder).build();
};

describe('checkpoint without a facilitator', () => {
  it('holds for the rehearsal time on the run clock, then journals that it was held', async () => {
    const drill = fakeDrill();
    const result = await drill.start(drillPlan(45_000));

    expect(result.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
    const invoked = stepAt(drill.journal.entries, 'step-invoke', 's2')!;
    expect(stepAt(drill.journal.entries, 'step-complete', 's2')! - invoked).toBe(45_000);
    expect(entriesOf(drill.journal.entries, 'checkpoint')).toEqual([
      { kind: 'checkpoint', at: invoked + 45_000, step: 's2', observation: 'no facilitator: held for the rehearsal time (45s), then continued automatically' },
    ]);
    // The fault lasted the rehearsal: the revert step ran only after it.
    expect(revertedAt(drill.journal.entries, 's1-freeze')! - invoked).toBe(45_000);
    expect(result.durationMs).toBe(45_000);
  });

  it('says every 10 s how long it still holds', async () => {
    const drill = fakeDrill();
    await drill.start(drillPlan(25_000));
    expect(drill.log.filter((l) => l.includes('holding'))).toEqual([
      's2 holding for the rehearsal time (no facilitator): 15s left',
      's2 holding for the rehearsal time (no facilitator): 5s left',
    ]);
  });

  it('does not hold with rehearsal 0', async () => {
    const drill = fakeDrill();
    const result = await drill.start(drillPlan(0));
    expect(result.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(entriesOf(drill.journal.entries, 'checkpoint')).toEqual([{ kind: 'checkpoint', at: 0, step: 's2', observation: NO_FACILITATOR }]);
    expect(revertedAt(drill.journal.entries, 's1-freeze')).toBe(0);
    expect(drill.log.filter((l) => l.includes('holding'))).toEqual([]);
  });

  it('is stopped by the run signal (abort.maxDuration) while it holds, and journals no checkpoint', async () => {
    const drill = fakeDrill();
    const result = await drill.start(drillPlan(60_000, { maxDurationMs: 10_000 }));
    expect(result.status).toBe('aborted');
    expect(entriesOf(drill.journal.entries, 'abort').map((e) => [e.at, e.reason])).toEqual([[10_000, 'max duration 10s exceeded']]);
    expect(result.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['s1', 'ok'],
      ['s2', 'info'],
    ]);
    expect(entriesOf(drill.journal.entries, 'checkpoint')).toEqual([]);
    expect(revertedAt(drill.journal.entries, 's1-freeze')).toBe(10_000);
    expect(drill.state.healthy()).toBe(true);
  });

  it('is stopped by Ctrl-C while it holds', async () => {
    const drill = fakeDrill({ manual: true });
    const running = drill.start(drillPlan(60_000));
    await drill.clock.advance(20_000);
    drill.signals.send('SIGINT');
    const result = await running;
    expect(result.status).toBe('interrupted');
    expect(entriesOf(drill.journal.entries, 'checkpoint')).toEqual([]);
    expect(stepAt(drill.journal.entries, 'step-complete', 's2')).toBe(20_000);
    expect(drill.clock.now()).toBe(20_000);
  });
});

describe('checkpoint with a facilitator', () => {
  it('does not hold for the rehearsal time: it goes on as soon as they answer', async () => {
    const drill = fakeDrill();
    const asked: string[] = [];
    const result = await drill.start(drillPlan(45_000), {
      interactive: async (step) => {
        asked.push(step.id);
        return { observation: 'replica lag alert', by: 'alice' };
      },
    });
    expect(result.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(asked).toEqual(['s2']);
    expect(entriesOf(drill.journal.entries, 'checkpoint')).toEqual([{ kind: 'checkpoint', at: 0, step: 's2', observation: 'replica lag alert', by: 'alice' }]);
    expect(revertedAt(drill.journal.entries, 's1-freeze')).toBe(0);
    expect(result.durationMs).toBe(0);
    expect(drill.log.filter((l) => l.includes('holding'))).toEqual([]);
  });
});
