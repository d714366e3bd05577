import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { fakeDrill } from '../../helpers/drill.js';
import { plan } from '../../helpers/plan-builder.js';

type Repeat = Extract<JournalEntry, { kind: 'action-repeat' }>;
const repeatsOf = (entries: readonly JournalEntry[]) => entries.filter((e): e is Repeat => e.kind === 'action-repeat');

describe('scheduled actions (`every`)', () => {
  it('run again at each multiple of the interval of drill time until the last step is done, as plain actions', async () => {
    const drill = fakeDrill();
    const p = plan().action('backup', { type: 'full', every: 10_000 }).pause(35_000).build();
    const result = await drill.start(p);
    expect(result.status).toBe('passed');
    const acts = drill.state.events.filter((e) => e.op === 'act');
    expect(acts).toHaveLength(4); // at 0, then 10, 20 and 30 s of the 35 s pause
    for (const act of acts) expect(act).toMatchObject({ type: 'backup', params: { type: 'full' } });
    expect(acts.some((a) => 'every' in ((a as { params: object }).params ?? {}))).toBe(false);
    const repeats = repeatsOf(drill.journal.entries);
    expect(repeats.map((r) => [r.run, r.outcome])).toEqual([[2, 'ok'], [3, 'ok'], [4, 'ok']]);
    const first = drill.journal.entries.find((e) => e.kind === 'step-invoke')!;
    expect(repeats.map((r) => Math.round((r.at - first.at) / 1_000))).toEqual([10, 20, 30]);
    // Nothing runs after the steps: the reverts and the end come after the last repeat.
    const revertPhase = drill.journal.entries.findIndex((e) => e.kind === 'phase' && e.phase === 'revert');
    expect(drill.journal.entries.findIndex((e) => e.kind === 'action-repeat' && e.run === 4)).toBeLessThan(revertPhase);
  });

  it('journals a scheduled run that fails, and the drill does not pass', async () => {
    const drill = fakeDrill();
    const p = plan().action('etcd-snapshot', { every: 10_000 }).pause(15_000).build();
    const running = drill.start(p);
    // The first run succeeds; from then on the action fails.
    await new Promise((resolve) => setImmediate(resolve));
    drill.state.failAct.add('etcd-snapshot');
    const result = await running;
    expect(repeatsOf(drill.journal.entries)).toMatchObject([{ run: 2, outcome: 'fail', error: { code: 'STEP_FAILED' } }]);
    expect(result.status).toBe('errored');
  });

  it('stops when a later step fails: no scheduled run outlives the steps', async () => {
    const drill = fakeDrill();
    drill.state.failAct.add('failover');
    const p = plan().action('backup', { every: 1_000 }).pause(2_500).action('failover').pause(60_000).build();
    const result = await drill.start(p);
    expect(result.status).toBe('errored');
    expect(repeatsOf(drill.journal.entries).map((r) => r.run)).toEqual([2, 3]);
  });
});
