import { describe, expect, it } from 'vitest';
import { fakeDrill } from '../../helpers/drill.js';
import { plan } from '../../helpers/plan-builder.js';

describe('progress on long steps', () => {
  it('a long wait says every 10 s that it is still waiting, with elapsed and limit', async () => {
    const drill = fakeDrill();
    drill.state.script.set('service-restored', Array(60).fill(false));
    const result = await drill.start(plan().wait('service-restored', 25_000).build(), { pollIntervalMs: 1_000 });
    expect(result.status).toBe('errored');
    const progress = drill.log.filter((l) => l.includes('still waiting'));
    expect(progress).toEqual([
      's1 still waiting for service-restored: 10s of at most 25s',
      's1 still waiting for service-restored: 20s of at most 25s',
    ]);
  });

  it('a long pause counts down, and a short one stays quiet', async () => {
    const drill = fakeDrill();
    await drill.start(plan().pause(25_000).pause(3_000).build());
    expect(drill.log.filter((l) => l.includes('pausing'))).toEqual(['s1 pausing: 15s left', 's1 pausing: 5s left']);
  });
});
