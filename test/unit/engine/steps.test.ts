import { describe, expect, it } from 'vitest';
import { RunSignals } from '../../../harness/engine/abort.js';
import { FakeClock } from '../../../harness/testing/fake-clock.js';
import { withTimeout } from '../../../harness/engine/steps.js';
import { faultIdFor, parseFaultId } from '../../../harness/model/fault.js';

describe('fault ids', () => {
  it('are the step id, plus the name when the step has one, and parse back', () => {
    expect(faultIdFor({ id: 's2', name: 's2' })).toBe('s2');
    expect(faultIdFor({ id: 's2', name: 'kill-primary' })).toBe('s2-kill-primary');
    expect(parseFaultId('s2-kill-primary')).toEqual({ stepId: 's2', name: 'kill-primary' });
    expect(parseFaultId('s12')).toEqual({ stepId: 's12', name: 's12' });
    expect(parseFaultId('zone-outage')).toBeUndefined();
  });
});

describe('withTimeout', () => {
  const ctx = () => {
    const clock = new FakeClock();
    return { clock, signals: new RunSignals({ journal: { record: async () => {} }, clock }) };
  };

  it('resolves with the value when the work finishes in time', async () => {
    const c = ctx();
    await expect(withTimeout(c, 1_000, 'x', async () => 42)).resolves.toBe(42);
    expect(c.clock.pending).toBe(0);
  });

  it('rejects with TIMEOUT and aborts the work signal when time runs out, even if the work ignores it', async () => {
    const c = ctx();
    let workSignal: AbortSignal | undefined;
    const running = withTimeout(c, 5_000, 'action restore', (signal) => {
      workSignal = signal;
      return new Promise(() => {});
    });
    const outcome = running.catch((error: unknown) => error);
    await c.clock.advance(5_000);
    expect(await outcome).toMatchObject({ code: 'TIMEOUT', shortMessage: 'action restore did not finish within 5s' });
    expect(workSignal?.aborted).toBe(true);
  });

  it('rejects with the run stop when the run is stopped', async () => {
    const c = ctx();
    const running = withTimeout(c, 5_000, 'x', () => new Promise(() => {})).catch((error: unknown) => error);
    c.signals.abort('operator said so');
    expect(await running).toMatchObject({ name: 'RunStopped', message: 'operator said so' });
  });
});
