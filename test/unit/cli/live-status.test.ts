import { describe, expect, it } from 'vitest';
import { follow, LiveStatus, statusLine, type LiveState } from '../../../harness/cli/live-status.js';
import type { JournalEntry } from '../../../harness/journal/index.js';

const armed = (fault: string, type: string): JournalEntry => ({ kind: 'fault-armed', at: 0, fault, step: 's3', revert: { backend: 'local', type: type as never, faultId: fault, runId: 'r', data: {} } });

describe('the live status line', () => {
  it('follows the journal: phase, step, the faults in effect; and shows the load', () => {
    const state: LiveState = { faults: new Map() };
    const names = new Map([['s3', 'lose-cluster']]);
    for (const e of [{ kind: 'phase', at: 0, phase: 'steps' }, { kind: 'step-invoke', at: 0, step: 's3', op: 'fault cluster-loss' }, armed('s3-lose', 'cluster-loss')] as JournalEntry[]) follow(state, e, names);
    state.load = () => ({ sent: 27_100, acked: 27_089, failed: 3, inDoubt: 4, connectFailures: 0 });
    expect(statusLine(state, 141_700)).toBe('[ 2m21s] steps · s3 lose-cluster · 27,089 acked, 7 failed · fault: cluster-loss');
    follow(state, { kind: 'fault-reverted', at: 0, fault: 's3-lose', reason: 'end-of-drill' }, names);
    follow(state, { kind: 'phase', at: 0, phase: 'verify' }, names);
    expect(statusLine(state, 150_000)).toBe('[ 2m30s] verify · 27,089 acked, 7 failed');
  });

  it('prints progress lines above itself, and nothing more once stopped', () => {
    const written: string[] = [];
    const stream = { columns: 40, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const live = new LiveStatus(stream, new Map(), performance.now());
    live.start();
    live.print('[   1.0s] cluster up');
    live.stop();
    live.print('after');
    const text = written.join('');
    expect(text.startsWith('\r\x1b[2K[    0s] starting')).toBe(true);
    expect(text).toContain('\r\x1b[2K[   1.0s] cluster up\n\r\x1b[2K[    0s]');
    expect(text.endsWith('\r\x1b[2Kafter\n')).toBe(true);
    for (const w of written) expect(w.replace('\r\x1b[2K', '').replace('\n', '').length).toBeLessThan(40);
  });
});

describe('an unnamed step', () => {
  it('is shown by what it does', () => {
    const state: LiveState = { faults: new Map() };
    follow(state, { kind: 'step-invoke', at: 0, step: 's2', op: 'pause 3s' }, new Map([['s2', 's2']]));
    expect(state.step).toBe('s2 pause 3s');
  });
});
