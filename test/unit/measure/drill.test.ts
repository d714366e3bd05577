import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { Ledger } from '../../../harness/load/ledger/ledger.js';
import { measureDrill, type DrillOptions, type Readback } from '../../../harness/measure/index.js';

// Each expected value below is the true answer of the scripted history, worked out by hand
// from the script (the outage's length, the writes lost), never by calling the code again.

const options: DrillOptions = { stabilityWindowMs: 3_000, load: { rate: 100, concurrency: 4 } };

interface FaultTimes {
  readonly effective: number;
  readonly injected?: number;
  readonly reverting?: number;
  readonly reverted?: number;
}

// The journal entries of faults s1, s2…: armed 1 ms before the harm, t0, the injector's return, the revert.
function faults(...times: FaultTimes[]): JournalEntry[] {
  const out: JournalEntry[] = [];
  times.forEach((t, i) => {
    const fault = `s${i + 1}-f`;
    out.push({ kind: 'fault-armed', at: t.effective - 1, fault, step: `s${i + 1}`, revert: { backend: 'test', type: 'node-freeze', faultId: fault, runId: 'r', data: {} } });
    out.push({ kind: 'fault-effective', at: t.effective, fault });
    out.push({ kind: 'fault-injected', at: t.injected ?? t.effective, fault });
    if (t.reverting !== undefined) out.push({ kind: 'fault-reverting', at: t.reverting, fault, reason: 'duration-elapsed' });
    if (t.reverted !== undefined) out.push({ kind: 'fault-reverted', at: t.reverted, fault, reason: 'duration-elapsed' });
  });
  return out.sort((a, b) => a.at - b.at);
}

// A write every `every` ms from `from` to `to` (exclusive), each acknowledged `latency` ms later by `node`.
function steady(ledger: Ledger, from: number, to: number, node: string, every = 10, latency = 2): void {
  for (let t = from; t < to; t += every) ledger.acked(ledger.send(t), t + latency, node);
}

const everything: Readback = { has: () => true, phantoms: [] };
const without = (gone: (id: number) => boolean): Readback => ({ has: (id) => !gone(id), phantoms: [] });
const run = (m: ReturnType<typeof measureDrill>, name: Parameters<ReturnType<typeof measureDrill>['run']['get']>[0]) => m.run.get(name)!;

describe('measureDrill: one window per fault', () => {
  it('measures a harmless fault and an 8 s outage each in its own window: RTO 8 s, not 63 s', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 60_000, 'A'); // the fault at 5 s disturbed nobody
    steady(ledger, 68_000, 80_000, 'A'); // the fault at 60 s: nothing served for 8 s
    const m = measureDrill(faults({ effective: 5_000 }, { effective: 60_000 }), ledger, everything, options);
    expect(m.windows.map((w) => w.impacted)).toEqual([false, true]);
    expect(m.windows[0]!.rto).toMatchObject({ value: undefined, notExercised: true });
    expect(m.windows[1]!.rto.value).toBe(8_000);
    expect(run(m, 'rto')).toMatchObject({ value: 8_000, evidence: { fault: 's2-f' } });
  });

  it('measures the game day shape, two 30 s outages 25 minutes apart, as 30 s each, not 1,530 s', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 60_000, 'A');
    steady(ledger, 90_000, 1_560_000, 'B', 50);
    steady(ledger, 1_590_000, 1_620_000, 'C', 50);
    const m = measureDrill(faults({ effective: 60_000, reverted: 70_000 }, { effective: 1_560_000, reverted: 1_570_000 }), ledger, everything, options);
    expect(m.windows.map((w) => w.rto.value)).toEqual([30_000, 30_000]);
    expect(run(m, 'rto').value).toBe(30_000);
  });

  it('takes t0 when the harm began, not when a late-completing injector returned', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A');
    steady(ledger, 25_000, 300_000, 'B'); // the node stopped at 10 s; a new primary served from 25 s
    // The injector returned at 190 s (NotReady, then the pod eviction timeout): after recovery.
    const m = measureDrill(faults({ effective: 10_000, injected: 190_000 }), ledger, everything, options);
    expect(m.windows[0]!.window).toMatchObject({ t0: 10_000, injectedAt: 190_000 });
    expect(m.windows[0]!.rto.value).toBe(15_000);
    expect(m.windows[0]!.timeToNewPrimary.value).toBe(15_002);
  });

  it('says "not measured", never 0, when no write was sent after t0', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A'); // the load stopped as the fault began
    const m = measureDrill(faults({ effective: 10_000 }), ledger, everything, options);
    expect(m.windows[0]!.rto.value).toBeUndefined();
    expect(m.windows[0]!.rto.notExercised).toBeUndefined();
    expect(m.windows[0]!.rto.why).toContain('no write was sent after t0');
    expect(run(m, 'rto').value).toBeUndefined();
  });

  it('does not let a late slow write reopen a finished 10 s outage (four minutes later)', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A');
    steady(ledger, 20_000, 250_000, 'B');
    ledger.acked(ledger.send(250_000), 250_600, 'B'); // one write takes 600 ms; others go on
    steady(ledger, 250_005, 300_000, 'B');
    const m = measureDrill(faults({ effective: 10_000 }), ledger, everything, options);
    expect(m.windows[0]!.rto.value).toBe(10_000);
    expect(m.windows[0]!.outliers).toBe(1);
    expect(m.windows[0]!.disruptions).toEqual([]);
  });

  it('calls one slow write an outlier with one connection too, where its slowness is also a pause', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A', 100);
    steady(ledger, 20_000, 250_000, 'B', 100);
    ledger.acked(ledger.send(250_000), 250_600, 'B'); // the only connection waits 600 ms
    steady(ledger, 250_700, 300_000, 'B', 100);
    const m = measureDrill(faults({ effective: 10_000 }), ledger, everything, { ...options, load: { rate: 10, concurrency: 1 } });
    expect(m.windows[0]!.rto.value).toBe(10_000);
    expect(m.windows[0]!.outliers).toBe(1);
  });

  it('runs the RTO past a second outage that begins while the fault is still in effect', () => {
    // etcd loses quorum at 10 s: a 1 s stall, writes come back for 5 s, then the primary,
    // unable to renew its leader key, demotes: nothing is served from 16 s until 40 s. The
    // fault is reverted at 60 s. Service was restored for good at 40 s: RTO 30 s, not 1 s.
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A');
    steady(ledger, 11_000, 16_000, 'A');
    steady(ledger, 40_000, 90_000, 'A');
    const m = measureDrill(faults({ effective: 10_000, reverting: 60_000, reverted: 61_000 }), ledger, everything, options);
    expect(m.windows[0]!.rto).toMatchObject({ value: 30_000, evidence: { reopened: 1 } });
    expect(m.windows[0]!.disruptions).toEqual([]);
  });

  it('reports a stall when the lost zone comes back as a heal disruption, apart from the RTO', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A');
    steady(ledger, 19_500, 70_000, 'B'); // restored 9.5 s after the zone was lost
    steady(ledger, 71_200, 120_000, 'B'); // reverting at 69 s: clients stall from 70 000 to 71 200
    const m = measureDrill(faults({ effective: 10_000, reverting: 69_000, reverted: 75_000 }), ledger, everything, options);
    expect(m.windows[0]!.rto.value).toBe(9_500);
    expect(m.windows[0]!.disruptions).toEqual([{ kind: 'heal', startAt: 69_992, lengthMs: 71_200 - 69_992 }]);
    expect(run(m, 'heal-disruption')).toMatchObject({ value: 71_200 - 69_992, evidence: { kind: 'heal' } });
  });

  it('measures the RTO at one write a second: the gap bound comes from the offered rate', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 60_000, 'A', 1_000);
    steady(ledger, 75_000, 120_000, 'B', 1_000); // out from 60 s, served again from 75 s
    const m = measureDrill(faults({ effective: 60_000 }), ledger, everything, { ...options, load: { rate: 1, concurrency: 1 } });
    expect(m.gapBound.ms).toBe(3_000);
    expect(m.windows[0]!.rto.value).toBe(15_000);
  });
});

describe('measureDrill: what was lost, and by whom', () => {
  it('counts a crash that loses 30 s of writes of the only primary as an RPO of 30 s, not split brain', () => {
    // Replicas cut off at 10 s (clients see nothing); the primary A crashes at 40 s; B, 30 s
    // behind, takes over at 45 s: every write acknowledged from 10 s to 40 s is lost.
    const ledger = new Ledger();
    steady(ledger, 0, 40_000, 'A');
    steady(ledger, 45_000, 80_000, 'B');
    const lostWrite = (id: number) => ledger.entry(id).sentAt >= 10_000 && ledger.entry(id).sentAt < 40_000;
    const m = measureDrill(faults({ effective: 10_000 }, { effective: 40_000 }), ledger, without(lostWrite), options);
    expect(run(m, 'split-brain-writes').value).toBe(0);
    expect(run(m, 'lost-writes').value).toBe(3_000);
    expect(m.windows[1]!.lost?.value).toBe(3_000);
    expect(m.windows[1]!.rpo?.evidence).toMatchObject({ lower: 40_000 - 10_002, upper: 30_000 });
    expect(run(m, 'rpo')).toMatchObject({ value: 30_000, evidence: { fault: 's2-f' } });
  });

  it('calls a lost write split-brain only when another server was acknowledging at the same time', () => {
    // A is partitioned at 10 s but keeps acknowledging until 20 s; B is promoted and
    // acknowledges from 14 997 ms: from then to 20 s both acknowledge, and A's writes are lost.
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A');
    for (let t = 10_000; t < 20_000; t += 10) ledger.acked(ledger.send(t), t + 2, 'A');
    for (let t = 14_995; t < 40_000; t += 10) ledger.acked(ledger.send(t), t + 2, 'B');
    const lost = new Set<number>();
    ledger.forEach((id, sentAt, _e, _o, node) => {
      if (sentAt >= 10_000 && ledger.nodeNames[node - 1] === 'A') lost.add(id);
    });
    const m = measureDrill(faults({ effective: 10_000 }), ledger, without((id) => lost.has(id)), options);
    expect(run(m, 'lost-writes').value).toBe(1_000); // 10 s to 20 s of A's writes
    expect(run(m, 'split-brain-writes').value).toBe(500); // those acknowledged while B was too
    // The other 500, acknowledged by A alone from 10 s to 15 s, set the RPO: the oldest sent at t0.
    expect(m.windows[0]!.rpo?.evidence).toMatchObject({ lower: 0, upper: 0, writes: 500 });
  });

  it('does not call a write committed before a SIGKILL but acknowledged 1 ms after t0 split-brain', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A');
    const late = ledger.send(9_999);
    ledger.acked(late, 10_001, 'A'); // committed on A, whose acknowledgement was read after the kill
    steady(ledger, 15_000, 30_000, 'B');
    const m = measureDrill(faults({ effective: 10_000 }), ledger, without((id) => id === late), options);
    expect(run(m, 'split-brain-writes').value).toBe(0);
    expect(run(m, 'lost-writes').value).toBe(1);
    expect(m.windows[0]!.rpo).toMatchObject({ value: 1, evidence: { lower: 0, upper: 1 } });
  });

  it('calls a refused write that is present corruption, and a pending one in doubt', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 'A');
    const refused = ledger.send(10_000);
    ledger.failed(refused, 10_005, 'failed');
    ledger.send(10_010); // never answered before the load stopped
    steady(ledger, 11_000, 20_000, 'A');
    const m = measureDrill(faults({ effective: 10_000 }), ledger, everything, options);
    expect(run(m, 'failed-present-writes')).toMatchObject({ value: 1, evidence: { ids: [refused] } });
    expect(run(m, 'in-doubt-writes')).toMatchObject({ value: 1, evidence: { present: 1 } });
  });
});

describe('measureDrill: a fault that disrupted nothing', () => {
  it('reports the RTO, RPO and lost writes as not exercised, never as 0', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 30_000, 'A');
    const m = measureDrill(faults({ effective: 10_000, reverted: 11_000 }), ledger, everything, options);
    for (const name of ['rto', 'rpo', 'lost-writes'] as const) expect(run(m, name)).toMatchObject({ value: name === 'lost-writes' ? 0 : undefined, notExercised: true });
    expect(run(m, 'rto').why).toContain('not exercised');
  });

  it('is not measured, rather than harmless, when the load stopped before a stability window passed', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 11_000, 'A');
    const m = measureDrill(faults({ effective: 10_000 }), ledger, everything, options);
    expect(m.windows[0]!.rto).toMatchObject({ value: undefined });
    expect(m.windows[0]!.rto.notExercised).toBeUndefined();
  });
});
