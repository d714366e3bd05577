import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorRateOf, watchDataLoss, watchErrorRate } from '../../../harness/assess/abort-conditions.js';
import { Ledger } from '../../../harness/load/ledger/ledger.js';
import { PresentIds } from '../../../harness/verify/ledger-readback/present-ids.js';
import type { RunningLoad } from '../../../harness/load/types.js';
import type { LoadStats } from '../../../harness/model/load.js';

const stats = (acked: number, failed = 0, inDoubt = 0, connectFailures = 0): LoadStats => ({ sent: acked + failed + inDoubt, acked, failed, inDoubt, connectFailures });

describe('errorRateOf', () => {
  it('is the share of ended attempts that did not succeed, connect failures included', () => {
    expect(errorRateOf(stats(100), stats(200))).toBe(0);
    expect(errorRateOf(stats(100), stats(150, 10, 20, 20))).toBe(50);
  });

  it('counts a second in which nothing ended as 100 %: every write hangs', () => {
    expect(errorRateOf(stats(100), stats(100))).toBe(100);
  });
});

describe('watchErrorRate', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function load(sequence: LoadStats[]): RunningLoad {
    let i = 0;
    return { stats: () => sequence[Math.min(i++, sequence.length - 1)]!, stop: async () => ({ driver: 't', startedAt: 0, stoppedAt: 0, sent: 0, acked: 0, failed: 0, inDoubt: 0, ackedPerSecond: 0, errors: {} }) };
  }

  it('aborts only once every second over `for` was above the bound, and says why', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    // 1 s healthy, then failures only.
    const sequence = [stats(0), stats(100), stats(100, 100), stats(100, 200), stats(100, 300), stats(100, 400)];
    const reasons: string[] = [];
    const watch = watchErrorRate({ above: 90, for: 3_000 }, load(sequence), (r) => reasons.push(r));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(reasons).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBe('error rate above 90% for 3s (last second: 100.0%)');
    await watch.stop();
  });

  it('starts counting again after a healthy second', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const sequence = [stats(0), stats(0, 100), stats(0, 200), stats(100, 200), stats(100, 300), stats(100, 400)];
    const reasons: string[] = [];
    const watch = watchErrorRate({ above: 90, for: 3_000 }, load(sequence), (r) => reasons.push(r));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reasons).toEqual([]);
    await watch.stop();
  });
});

describe('watchDataLoss', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // Ten writes acknowledged; the table read back lacks id 3, as read from `server`.
  function lossFrom(server: string) {
    const ledger = new Ledger();
    for (let i = 0; i < 10; i++) ledger.acked(ledger.send(i), i + 1, 'A');
    const read = async () => {
      const ids = new PresentIds(10);
      for (let id = 1; id <= 10; id++) if (id !== 3) ids.add(id);
      return { ids, server, malformed: 0, durationMs: 1 };
    };
    return { ledger, read };
  }
  const target = { host: 'h', port: 1, user: 'u', password: 'p', database: 'd' };

  it('aborts at a write missing on the primary, naming it and the server read', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { ledger, read } = lossFrom('198.18.1.11');
    const reasons: string[] = [];
    const watch = watchDataLoss(target, ledger, () => 100, (r) => reasons.push(r), () => {}, read);
    await vi.advanceTimersByTimeAsync(5_000);
    await watch.stop();
    expect(reasons).toEqual(['data loss: 1 acknowledged write is missing on the primary 198.18.1.11 (ids 3)']);
  });

  it('does not abort on a replica\'s rows, which may lag: it skips that check and says so', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { ledger, read } = lossFrom('198.18.2.11 (a replica)');
    const reasons: string[] = [];
    const logs: string[] = [];
    const watch = watchDataLoss(target, ledger, () => 100, (r) => reasons.push(r), (l) => logs.push(l), read);
    await vi.advanceTimersByTimeAsync(5_000);
    await watch.stop();
    expect(reasons).toEqual([]);
    expect(logs).toEqual(['data-loss check skipped: the read reached 198.18.2.11 (a replica), not the primary']);
  });
});
