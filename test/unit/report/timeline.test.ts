import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../harness/journal/index.js';
import { niceMax, timelineChart, timeTicks } from '../../../harness/report/html/chart.js';
import { timelineOf } from '../../../harness/report/timeline.js';
import { j, makePlan } from './journal-builder.js';

const measurement = (at: number, name: 'rto' | 'time-to-impact' | 'time-to-new-leader' | 'time-to-redundancy', value: number): JournalEntry => ({ kind: 'measurement', at, name, value, unit: 'ms', why: 'test', from: [] });

// A 60 s run from monotonic 1 000: a fault in effect from +10 s to +40 s, a load series of
// 60 one-second buckets with an outage from +10 s to +15 s.
function run(): JournalEntry[] {
  const acked = Array.from({ length: 60 }, (_, s) => (s >= 10 && s < 15 ? 0 : 100));
  const failed = Array.from({ length: 60 }, (_, s) => (s >= 10 && s < 15 ? 20 : 0));
  return [
    j.start(1_000, makePlan()),
    j.armed(10_990, 'f1', 's1'),
    j.injected(11_000, 'f1'),
    j.reverted(41_000, 'f1'),
    {
      kind: 'load-stop',
      at: 61_000,
      summary: { driver: 'ledger', startedAt: 1_000, stoppedAt: 61_000, sent: 6_000, acked: 5_500, failed: 100, inDoubt: 0, ackedPerSecond: 92, errors: {} },
      series: { startAt: 1_000, bucketMs: 1_000, acked, failed, latencyMs: acked.map((n) => (n ? 2.5 : null)) },
    },
    measurement(61_100, 'time-to-impact', 200),
    measurement(61_100, 'rto', 5_000),
    measurement(61_100, 'time-to-new-leader', 3_000),
    measurement(61_100, 'time-to-redundancy', 20_000),
    j.end(61_000, 'passed'),
  ];
}

describe('the report timeline', () => {
  it('places fault windows and the milestones measured from t0 on the run clock', () => {
    const t = timelineOf(run(), 60_000);
    expect(t.faults).toEqual([{ id: 'f1', type: 'pod-kill', fromMs: 10_000, toMs: 40_000, reverted: true }]);
    expect(t.milestones).toEqual([
      { name: 'fault', atMs: 10_000 },
      { name: 'impact', atMs: 10_200 },
      { name: 'new leader', atMs: 13_000 },
      { name: 'service restored', atMs: 15_000 },
      { name: 'redundancy restored', atMs: 30_000 },
    ]);
    expect(t.series?.startMs).toBe(0);
  });

  it('marks each fault\'s own milestones from its own t0, when the figures are per fault', () => {
    const perFault = (at: number, name: 'rto' | 'time-to-impact', value: number, fault: string): JournalEntry => ({ ...measurement(at, name, value), fault } as JournalEntry);
    const entries: JournalEntry[] = [
      j.start(1_000, makePlan()),
      j.armed(10_990, 'f1', 's1'),
      j.effective(11_000, 'f1'),
      j.injected(11_500, 'f1'), // t0 is when the harm took effect, not this
      j.armed(30_990, 'f2', 's3'),
      j.effective(31_000, 'f2'),
      j.injected(31_000, 'f2'),
      perFault(61_100, 'time-to-impact', 200, 'f1'),
      perFault(61_100, 'rto', 5_000, 'f1'),
      perFault(61_100, 'rto', 8_000, 'f2'),
      measurement(61_100, 'rto', 8_000),
      j.end(61_200, 'passed'),
    ];
    const t = timelineOf(entries, 60_000);
    expect(t.faults.map((f) => [f.id, f.fromMs])).toEqual([['f1', 10_000], ['f2', 30_000]]);
    expect(t.milestones).toEqual([
      { name: 'fault', atMs: 10_000 },
      { name: 'impact', atMs: 10_200 },
      { name: 'service restored', atMs: 15_000 },
      { name: 'fault', atMs: 30_000 },
      { name: 'service restored', atMs: 38_000 },
    ]);
  });

  it('draws no "service restored" after a restore into a scratch instance: its RTO is the restore\'s', () => {
    const entries = run();
    const plan = makePlan();
    const restore = { id: 's5', name: 's5', kind: 'action' as const, index: 4, description: 'restore', action: { type: 'restore' as const, params: { from: 'latest', into: 'scratch-instance' }, timeoutMs: 60_000 } };
    entries[0] = j.start(1_000, { ...plan, steps: [...plan.steps, restore] });
    entries.splice(4, 0, j.invoke(48_000, 's5', 'action restore'), j.ok(50_000, 's5', { name: 'restore-1' }));
    expect(timelineOf(entries, 60_000).milestones.map((m) => m.name)).not.toContain('service restored');
  });

  it('says why there is no series when the driver keeps no ledger', () => {
    const entries = run().map((e) => (e.kind === 'load-stop' ? { ...e, summary: { ...e.summary, driver: 'pgbench' }, series: undefined } : e));
    expect(timelineOf(entries, 60_000).noSeries).toBe('the pgbench driver keeps no per-write record');
    expect(timelineChart(timelineOf(entries, 60_000))).toContain('no load series: the pgbench driver keeps no per-write record');
  });

  it('renders an SVG with the fault shaded, a point per bucket, failures as bars, and a line per milestone', () => {
    const svg = timelineChart(timelineOf(run(), 60_000));
    expect(svg.match(/class="fault-window"/g)).toHaveLength(1);
    const points = /class="acked"[^>]*points="([^"]+)"/.exec(svg)![1]!.split(' ');
    expect(points).toHaveLength(60);
    expect(svg.match(/class="failed"/g)).toHaveLength(5);
    // The outage splits the latency line in two instead of drawing it at 0 ms.
    expect(svg.match(/class="latency"/g)).toHaveLength(2);
    expect(svg.match(/class="milestone"/g)).toHaveLength(5);
    expect(svg).toContain('service restored at +15s');
  });

  it('picks round scales', () => {
    expect([niceMax(1), niceMax(3), niceMax(7), niceMax(120), niceMax(0.3)]).toEqual([1, 5, 10, 200, 0.5]);
    expect(timeTicks(60_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(timeTicks(3 * 3_600_000)).toEqual([0, 1, 2, 3, 4, 5, 6].map((h) => h * 1_800_000));
  });
});
