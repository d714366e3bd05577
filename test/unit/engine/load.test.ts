import { describe, expect, it } from 'vitest';
import type { StartedLoad } from '../../../harness/load/driver.js';
import { fakeDrill, kinds } from '../../helpers/drill.js';
import { plan } from '../../helpers/plan-builder.js';

function fakeLoad(events: string[]): StartedLoad {
  return {
    driver: 'test',
    running: {
      stats: () => ({ sent: 3, acked: 2, failed: 0, inDoubt: 1, connectFailures: 0 }),
      stop: async () => {
        events.push('stop');
        return { driver: 'test', startedAt: 0, stoppedAt: 10, sent: 3, acked: 2, failed: 0, inDoubt: 1, ackedPerSecond: 200, errors: {} };
      },
    },
    save: async () => {
      events.push('save');
      return 'ledger.bin';
    },
  };
}

describe('the load seam', () => {
  it('starts the load once connected and stops it after every fault is reverted, before the run ends', async () => {
    const drill = fakeDrill();
    const events: string[] = [];
    const result = await drill.start(plan().fault('node-crash', { node: 'b-1' }).pause(1_000).build(), { startLoad: async () => fakeLoad(events) });
    expect(result.status).toBe('passed');
    const order = kinds(drill.journal.entries).filter((k) => ['phase', 'load-start', 'fault-reverted', 'load-stop', 'run-end'].includes(k));
    // connect, load-start, warm-up, steady-state-before, steps, revert, the reverts, load-stop, verify, run-end
    expect(order).toEqual(['phase', 'load-start', 'phase', 'phase', 'phase', 'phase', 'fault-reverted', 'load-stop', 'phase', 'run-end']);
    expect(drill.journal.entries.find((e) => e.kind === 'load-stop')).toMatchObject({ summary: { sent: 3, acked: 2, inDoubt: 1 }, ledger: 'ledger.bin' });
    expect(events).toEqual(['stop', 'save']);
  });

  it('stops and saves the load even when a step fails', async () => {
    const drill = fakeDrill({ failInject: ['s1'] });
    const events: string[] = [];
    const result = await drill.start(plan().fault('node-crash', { node: 'b-1' }).build(), { startLoad: async () => fakeLoad(events) });
    expect(result.status).toBe('errored');
    expect(events).toEqual(['stop', 'save']);
    // And the backend is still disposed (a local cluster the run created is removed).
    expect(drill.state.events.map((e) => e.op).filter((op) => op === 'connect' || op === 'dispose')).toEqual(['connect', 'dispose']);
  });
});
