import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../harness/engine/journal-types.js';
import { Ledger } from '../../../harness/load/ledger/ledger.js';
import { measureRpo, measureRto, rtoFromProbes } from '../../../harness/measure/index.js';

const injectedAt = (at: number): JournalEntry[] => [{ kind: 'fault-injected', at, fault: 's1-crash' }];
const options = { stabilityWindowMs: 3_000, maxGapMs: 250 };

// A write every `every` ms from `from` to `to` (exclusive), each acknowledged 2 ms later by `node`.
function steady(ledger: Ledger, from: number, to: number, every: number, node: string): void {
  for (let t = from; t < to; t += every) ledger.acked(ledger.send(t), t + 2, node);
}

describe('measureRto', () => {
  it('finds t1 at the first write of a stable window after an outage with no writes at all', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 10, 'A');
    // Fault at 10 000: one write in flight goes in doubt, then nothing can even connect for 8 s.
    ledger.failed(ledger.send(10_000), 12_000, 'in-doubt');
    steady(ledger, 18_000, 30_000, 10, 'B');
    const m = measureRto(injectedAt(10_000), ledger, options);
    expect(m.t0).toBe(10_000);
    expect(m.rto.value).toBe(8_000);
    expect(m.rto.from).toEqual(injectedAt(10_000));
    expect(m.timeToImpact.value).toBe(0);
    expect(m.timeToNewPrimary).toMatchObject({ value: 8_002, evidence: { server: 'B', previous: 'A' } });
    expect(m.downtime.value).toBe(8_002); // from t0 to the first acknowledgement at 18 002
  });

  it('does not take a short burst of success inside a flapping outage for recovery', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 5_000, 10, 'A');
    steady(ledger, 7_000, 8_000, 10, 'B'); // 1 s of writes, then another stall
    steady(ledger, 12_000, 20_000, 10, 'B');
    const m = measureRto(injectedAt(5_000), ledger, options);
    expect(m.rto.value).toBe(7_000);
    // No acknowledgement from t0 (5 000) to 7 002, nor from 7 992 to 12 002.
    expect(m.downtime.value).toBe(2_002 + 4_010);
  });

  it('counts a freeze whose writes hang and are then acknowledged late: the late writes are not service', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 10, 'A');
    // Frozen for 1.5 s from 10 000: the writes in flight hang, then all complete at 11 500.
    for (let i = 0; i < 4; i++) ledger.acked(ledger.send(10_000 + i), 11_500, 'A');
    steady(ledger, 11_501, 20_000, 10, 'A');
    const m = measureRto(injectedAt(10_000), ledger, options);
    expect(m.rto.value).toBe(1_501);
    expect(m.downtime.value).toBe(1_500);
    expect(m.timeToImpact.value).toBe(250);
  });

  it('with several faults, measures up to the recovery from the last disruption, not the first quiet moment', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 12_000, 10, 'A'); // the first fault at 5 000 did not disturb clients
    steady(ledger, 20_000, 30_000, 10, 'B'); // the second one caused an 8 s outage
    const m = measureRto(injectedAt(5_000), ledger, options);
    expect(m.rto.value).toBe(15_000);
    expect(m.timeToImpact.value).toBe(7_000 - 8 + 250);
  });

  it('says the service was not restored when no stable window follows the fault', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 5_000, 10, 'A');
    steady(ledger, 9_000, 10_000, 10, 'A'); // the load ends before a 3 s window completes
    const m = measureRto(injectedAt(5_000), ledger, options);
    expect(m.rto.value).toBeUndefined();
    expect(m.rto.why).toContain('never succeeded for 3000 ms');
    expect(m.rto.why).toContain('after the last disruption');
    expect(m.downtime.value).toBeUndefined();
  });

  it('measures zero impact and an RTO of zero when clients never noticed the fault', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 10_000, 10, 'A');
    const m = measureRto(injectedAt(5_000), ledger, options);
    expect(m.rto.value).toBe(0);
    expect(m.timeToImpact.value).toBeUndefined();
    expect(m.downtime.value).toBe(0);
    expect(m.timeToNewPrimary.value).toBeUndefined();
  });

  it('cannot measure without a fault', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 1_000, 10, 'A');
    expect(measureRto([], ledger, options).rto).toMatchObject({ value: undefined, why: 'no fault took effect in this run' });
  });
});

describe('measureRpo', () => {
  it('counts lost acknowledged writes, the RPO to the oldest one, split-brain writes apart, and in-doubt writes never as lost', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 1_000, 100, 'A'); // ids 1..10, acked at 2, 102, …, 902
    const inDoubt = ledger.send(1_000);
    ledger.failed(inDoubt, 1_500, 'in-doubt'); // id 11
    steady(ledger, 1_100, 1_300, 100, 'A'); // ids 12, 13 acked after t0 = 1 000 by the old primary
    steady(ledger, 3_000, 3_200, 100, 'B'); // ids 14, 15
    // After recovery: ids 8, 9, 10 (acked before t0) and 12, 13 (after t0) are gone; 11 is present.
    const gone = new Set([8, 9, 10, 12, 13]);
    const m = measureRpo(injectedAt(1_000), ledger, { has: (id) => !gone.has(id), phantoms: [] });
    expect(m.lost).toMatchObject({ value: 5, evidence: { ids: [8, 9, 10, 12, 13] } });
    expect(m.rpo.value).toBe(1_000 - 702); // t0 minus the acknowledgement of id 8
    expect(m.splitBrain).toMatchObject({ value: 2, evidence: { ids: [12, 13] } });
    expect(m.inDoubt).toMatchObject({ value: 1, evidence: { present: 1, absent: 0 } });
    expect(m.phantoms.value).toBe(0);
  });

  it('gives an RPO of zero when nothing acknowledged was lost, and reports phantom rows', () => {
    const ledger = new Ledger();
    steady(ledger, 0, 1_000, 100, 'A');
    const m = measureRpo(injectedAt(500), ledger, { has: () => true, phantoms: [11, 12] });
    expect(m.rpo).toMatchObject({ value: 0, why: 'no acknowledged write was lost' });
    expect(m.lost.value).toBe(0);
    expect(m.phantoms).toMatchObject({ value: 2, evidence: { ids: [11, 12] } });
  });
});

describe('rtoFromProbes', () => {
  const write = (at: number, ok: boolean): JournalEntry => ({ kind: 'observation', at, probe: 'write-availability', ok, value: {} });
  const end = (at: number): JournalEntry => ({ kind: 'phase', at, phase: 'verify' });

  it('measures from t0 to the first successful probe write after the last failed one', () => {
    const entries = [write(1_000, true), ...injectedAt(5_000), write(5_300, false), write(9_000, true), write(9_500, false), write(11_000, true), end(20_000)];
    expect(rtoFromProbes(entries, 3_000)).toMatchObject({ value: 6_000 });
  });

  it('is 0 when the probe never failed, and not measured when the success did not last the window', () => {
    expect(rtoFromProbes([...injectedAt(5_000), end(9_000)], 3_000).value).toBe(0);
    const short = rtoFromProbes([...injectedAt(5_000), write(5_300, false), write(8_000, true), end(9_000)], 3_000);
    expect(short.value).toBeUndefined();
    expect(short.why).toContain('did not succeed for 3000 ms');
  });
});
