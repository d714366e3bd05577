import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { Ledger } from '../../../harness/load/ledger/ledger.js';
import { lastRestore, measureRestore, restoreRto, type RestoreStep } from '../../../harness/measure/index.js';
import { plan } from '../../helpers/plan-builder.js';

// A write every 10 ms from 0 to 10 s, each acknowledged 5 ms after it was sent.
function tenSeconds(): Ledger {
  const ledger = new Ledger();
  for (let t = 0; t < 10_000; t += 10) ledger.acked(ledger.send(t), t + 5, 'A');
  return ledger;
}
const present = (ids: Iterable<number>) => {
  const set = new Set(ids);
  return { has: (id: number) => set.has(id), phantoms: [] };
};
const upTo = (last: number) => present(Array.from({ length: last }, (_, i) => i + 1));
const restoreAt = (decidedAt: number, more: Partial<RestoreStep> = {}): RestoreStep => ({ step: 's3', into: 'scratch-instance', decidedAt, endedAt: decidedAt + 4_000, ok: true, ...more });

describe('measureRestore', () => {
  it('measures the RPO from the decision to the newest acknowledged write restored, and the RTO to a verified instance', () => {
    // Ids 1…600 restored (sent until 5 990, acknowledged until 5 995); the restore decided at 8 000.
    const m = measureRestore([], tenSeconds(), upTo(600), restoreAt(8_000));
    expect(m.rpo.value).toBe(8_000 - 5_995);
    expect(m.recoveryPointId).toBe(600);
    expect(m.lost.value).toBe(200); // acknowledged before the decision (ids 601…800), not restored
    expect(restoreRto([], restoreAt(8_000), 1_500).value).toBe(4_000 + 1_500);
    expect(m.holes.count).toBe(0);
    expect(m.overshoot.count).toBe(0);
  });

  it('gives an RPO of 0 when the restore holds writes acknowledged after the decision (archived while it ran)', () => {
    const m = measureRestore([], tenSeconds(), upTo(900), restoreAt(8_000));
    expect(m.rpo.value).toBe(0);
    expect(m.rpo.why).toBe('restore: the recovery point, write 900, was acknowledged 995 ms after the decision to restore (its WAL was archived while the restore ran), so nothing before it is missing');
    expect(m.lost.value).toBe(0);
  });

  it('takes the failure time from the fault when one took effect', () => {
    const injected: JournalEntry[] = [{ kind: 'fault-injected', at: 7_000, fault: 's2-loss' }];
    const m = measureRestore(injected, tenSeconds(), upTo(600), restoreAt(9_000));
    expect(m.failureAt).toBe(7_000);
    expect(m.rpo.value).toBe(7_000 - 5_995);
    expect(m.lost.value).toBe(100); // 601…700 were acknowledged before t0; later ones never counted
  });

  it('calls a missing write acknowledged before a present one was sent a hole, and ends the recovery point before it', () => {
    const ids = Array.from({ length: 600 }, (_, i) => i + 1).filter((id) => id !== 250);
    const m = measureRestore([], tenSeconds(), present(ids), restoreAt(8_000));
    expect(m.holes).toEqual({ count: 1, ids: [250] });
    expect(m.lost.value).toBe(200);
    // The clean prefix ends at id 249 (sent at 2 480, acknowledged at 2 485), not at id 600.
    expect(m.recoveryPointId).toBe(249);
    expect(m.rpo.value).toBe(8_000 - 2_485);
  });

  it('measures the RPO from the fault that caused the restore, not the first one', () => {
    // A write every 10 ms for 120 s. A blip at 10 s; the cluster lost at 100 s; the archive
    // reached 60 s: ids 1…6 000 (sent until 59 990, acknowledged until 59 995) are restored.
    const ledger = new Ledger();
    for (let t = 0; t < 120_000; t += 10) ledger.acked(ledger.send(t), t + 5, 'A');
    const entries: JournalEntry[] = [
      { kind: 'fault-effective', at: 10_000, fault: 's1-blip' },
      { kind: 'fault-effective', at: 100_000, fault: 's2-loss' },
    ];
    const m = measureRestore(entries, ledger, upTo(6_000), restoreAt(101_000));
    expect(m.failureAt).toBe(100_000);
    expect(m.rpo.value).toBe(100_000 - 59_995);
    // Acknowledged from 60 005 to 99 995 (ids 6 001…10 000) and absent.
    expect(m.lost.value).toBe(4_000);
  });

  it('leaves writes in flight at the recovery point alone: acknowledged after the newest present write was sent', () => {
    const ledger = new Ledger();
    const a = ledger.send(0);
    const b = ledger.send(1);
    ledger.acked(b, 3, 'A');
    ledger.acked(a, 4, 'A'); // committed after b was sent: may be beyond the recovery point
    const m = measureRestore([], ledger, present([b]), restoreAt(100));
    expect(m.holes.count).toBe(0);
    expect(m.lost.value).toBe(1);
  });

  it('finds overshoot: writes sent after a point-in-time target that are present anyway', () => {
    const m = measureRestore([], tenSeconds(), upTo(600), restoreAt(8_000, { targetAt: 5_000 }));
    expect(m.overshoot.count).toBe(99); // ids 502…600 were sent after 5 000
    expect(m.overshoot.ids[0]).toBe(502);
  });

  it('measures nothing but the losses when the restore failed', () => {
    const failed = restoreAt(8_000, { ok: false, error: 'lz4 error' });
    const m = measureRestore([], tenSeconds(), present([]), failed);
    expect(restoreRto([], failed, 0).value).toBeUndefined();
    expect(restoreRto([], failed, 0).why).toBe('the restore gave no usable instance: lz4 error');
    expect(m.rpo.value).toBeUndefined();
  });

  it('leaves out writes sent after the horizon: a rebuilt cluster took them after the restore', () => {
    // The cluster lost at 6 000 (ids up to 600 archived), the rebuild decided at 6 500 and
    // serving from 8 000: ids 801… are in the rebuilt cluster but not the restore's.
    const injected: JournalEntry[] = [{ kind: 'fault-injected', at: 6_000, fault: 's2-loss' }];
    const ids = [...Array.from({ length: 600 }, (_, i) => i + 1), ...Array.from({ length: 200 }, (_, i) => 801 + i)];
    const rebuilt = restoreAt(6_500, { into: 'fresh-cluster', targetAt: 5_000 });
    const m = measureRestore(injected, tenSeconds(), present(ids), rebuilt, rebuilt.decidedAt);
    expect(m.recoveryPointId).toBe(600);
    expect(m.rpo.value).toBe(6_000 - 5_995);
    expect(m.holes.count).toBe(0); // 601… were acknowledged after t0: neither lost nor holes before id 801
    expect(m.lost.value).toBe(0);
    expect(m.overshoot.count).toBe(99); // only 502…600: the rebuilt cluster's own writes are not overshoot
    // Without the horizon the rebuilt cluster's writes would pass for holes and overshoot.
    const unbounded = measureRestore(injected, tenSeconds(), present(ids), rebuilt);
    expect(unbounded.holes.count).toBeGreaterThan(0);
    expect(unbounded.overshoot.count).toBe(299);
  });
});

describe('lastRestore', () => {
  it('reads the restore step, its outcome and its point-in-time target from the journal', () => {
    const p = plan().action('backup', {}).action('restore', { from: 'point-in-time', pointInTime: 'before-fault' }).build();
    const entries: JournalEntry[] = [
      { kind: 'run-start', at: 0, wall: '2030-01-01T00:00:00.000Z', runId: 'r', plan: p, kdrillVersion: '1' },
      { kind: 'step-invoke', at: 100, step: 's1', op: 'action backup' },
      { kind: 'step-complete', at: 200, step: 's1', outcome: 'ok' },
      { kind: 'step-invoke', at: 300, step: 's2', op: 'action restore' },
      { kind: 'step-complete', at: 2_300, step: 's2', outcome: 'ok', detail: { name: 'restore-1', target: '2030-01-01T00:00:00.250Z' } },
    ];
    expect(lastRestore(entries)).toEqual({ step: 's2', into: 'scratch-instance', decidedAt: 300, endedAt: 2_300, ok: true, detail: { name: 'restore-1', target: '2030-01-01T00:00:00.250Z' }, targetAt: 250 });
    expect(lastRestore(entries.slice(0, 3))).toBeUndefined();
  });

  it('tells a restore into a fresh cluster from one into a scratch instance, by the scenario\'s step', () => {
    const p = plan().action('restore', { from: 'latest', into: 'fresh-cluster' }).build();
    const entries: JournalEntry[] = [
      { kind: 'run-start', at: 0, wall: '2030-01-01T00:00:00.000Z', runId: 'r', plan: p, kdrillVersion: '1' },
      { kind: 'step-invoke', at: 100, step: 's1', op: 'action restore' },
      { kind: 'step-complete', at: 900, step: 's1', outcome: 'fail', error: { name: 'RestoreFailed', code: 'RECOVERY_FAILED', message: 'lz4 error' } },
    ];
    expect(lastRestore(entries)).toMatchObject({ into: 'fresh-cluster', ok: false, error: 'lz4 error' });
  });
});
