import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../harness/load/ledger/ledger.js';
import { loadSeries } from '../../../harness/measure/index.js';

describe('loadSeries', () => {
  it('counts acknowledgements and failures per second by the time each ended, with the mean latency', () => {
    const ledger = new Ledger();
    ledger.acked(ledger.send(0), 10, 'A'); // second 0, 10 ms
    ledger.acked(ledger.send(500), 530, 'A'); // second 0, 30 ms
    ledger.failed(ledger.send(1_200), 1_900, 'failed'); // second 1
    ledger.failed(ledger.send(2_100), 2_600, 'in-doubt'); // second 2
    ledger.send(2_900); // still pending: not drawn
    const s = loadSeries(ledger, 0, 3_000);
    expect(s).toEqual({ startAt: 0, bucketMs: 1_000, acked: [2, 0, 0], failed: [0, 1, 1], latencyMs: [20, null, null] });
  });

  it('widens its buckets past 1,200 so a long drill stays a chart, not a data dump', () => {
    const ledger = new Ledger();
    ledger.acked(ledger.send(3 * 3_600_000 - 100), 3 * 3_600_000 - 50, 'A');
    const s = loadSeries(ledger, 0, 3 * 3_600_000);
    expect(s.bucketMs).toBe(9_000);
    expect(s.acked).toHaveLength(1_200);
    expect(s.acked.at(-1)).toBe(1);
  });
});
