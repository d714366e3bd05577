import { describe, expect, it } from 'vitest';
import { RunSignals, RunStopped } from '../../../harness/engine/abort.js';
import { FakeClock } from '../../../harness/testing/fake-clock.js';
import { stampedJournal } from '../../../harness/journal/journal.js';
import { MemoryJournal } from '../../../harness/testing/memory-journal.js';
import { FakeSignals } from '../../helpers/drill.js';

function setup(maxDurationMs?: number): { signals: RunSignals; source: FakeSignals; clock: FakeClock; journal: MemoryJournal; log: string[] } {
  const clock = new FakeClock();
  const journal = new MemoryJournal();
  const source = new FakeSignals();
  const log: string[] = [];
  const signals = new RunSignals({ journal: stampedJournal(journal, clock), clock, source, maxDurationMs, log: (l) => log.push(l) });
  return { signals, source, clock, journal, log };
}

describe('RunSignals', () => {
  it('turns a SIGINT into an interrupt: the signal aborts with RunStopped and the signal is journalled', async () => {
    const { signals, source, journal } = setup();
    expect(source.listenerCount('SIGINT')).toBe(1);
    source.send('SIGINT');
    await Promise.resolve();
    expect(signals.signal.aborted).toBe(true);
    expect(signals.signal.reason).toBeInstanceOf(RunStopped);
    expect(signals.stopped).toEqual({ kind: 'interrupt', signal: 'SIGINT', reason: 'interrupted by SIGINT' });
    expect(journal.entries).toEqual([{ kind: 'signal', at: 0, signal: 'SIGINT' }]);
  });

  it('journals a second signal during the revert phase and changes nothing', async () => {
    const { signals, source, journal, log } = setup();
    source.send('SIGTERM');
    signals.enterRevert();
    source.send('SIGINT');
    signals.abort('too late');
    await Promise.resolve();
    expect(signals.stopped?.kind).toBe('interrupt');
    expect(journal.entries.map((e) => e.kind)).toEqual(['signal', 'signal']);
    expect(log.at(-1)).toMatch(/still reverting faults, which is never skipped/);
  });

  it('aborts when the max duration passes, and not before', async () => {
    const { signals, clock, journal } = setup(90_000);
    await clock.advance(89_999);
    expect(signals.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(signals.stopped).toEqual({ kind: 'abort', reason: 'max duration 1m30s exceeded' });
    expect(journal.entries).toEqual([{ kind: 'abort', at: 90_000, reason: 'max duration 1m30s exceeded' }]);
  });

  it('keeps the first stop: an abort after a signal is journalled but the run stays interrupted', async () => {
    const { signals, source, journal } = setup();
    source.send('SIGINT');
    signals.abort('error rate above 5%');
    await Promise.resolve();
    expect(signals.stopped?.kind).toBe('interrupt');
    expect(journal.entries.map((e) => e.kind)).toEqual(['signal', 'abort']);
  });

  it('removes its handlers and the timer on dispose', async () => {
    const { signals, source, clock } = setup(60_000);
    expect(clock.pending).toBe(1);
    signals.dispose();
    signals.dispose();
    await clock.flush();
    expect(source.listenerCount('SIGINT')).toBe(0);
    expect(source.listenerCount('SIGTERM')).toBe(0);
    expect(clock.pending).toBe(0);
    await clock.advance(120_000);
    expect(signals.signal.aborted).toBe(false);
  });

  it('works without a signal source', () => {
    const signals = new RunSignals({ journal: { record: async () => {} }, clock: new FakeClock() });
    signals.abort('by hand');
    expect(signals.stopped).toEqual({ kind: 'abort', reason: 'by hand' });
    signals.dispose();
  });
});
