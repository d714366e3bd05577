import type { JournalEntry } from '../../../harness/journal/entries.js';
import { plan } from '../plan-builder.js';
import type { DriverRun } from './driver.js';
import { Rng } from './prng.js';
import type { Script } from './script.js';

// The run journal a drill of this history would have written: the plan, the load's start and
// stop, each fault's armed → effective (t0) → injected → reverting → reverted, and the leader
// probe's observations whenever the leader changed (seen up to one probe interval late).
export function emitJournal(script: Script, run: DriverRun): JournalEntry[] {
  const rng = new Rng(script.seed ^ 0x10a7a1);
  const builder = plan().warmUpMs(script.faults[0] ? script.faults[0].armedAt - script.load.startAt : 0);
  for (const f of script.faults) {
    builder.fault(f.type, { target: f.target }, { name: f.name, durationMs: Math.round(f.revertedAt - f.injectedAt), ...(f.expectNoImpact ? { expect: 'no-impact' as const } : {}) });
  }
  const entries: JournalEntry[] = [{ kind: 'run-start', at: 0, wall: new Date(Date.UTC(2025, 0, 1)).toISOString(), runId: `sim-${script.seed}`, plan: builder.build(), kdrillVersion: 'history-sim' }];
  const leader = (at: number, name: string): void => void entries.push({ kind: 'observation', at, probe: 'leader', ok: true, value: { leader: name } });
  leader(script.load.startAt - 100, script.initialPrimary);
  entries.push({ kind: 'load-start', at: script.load.startAt, driver: 'ledger', detail: { rate: script.load.rate, concurrency: script.load.concurrency } });
  for (const f of script.faults) {
    entries.push({ kind: 'fault-armed', at: f.armedAt, fault: f.id, step: f.step, revert: { backend: 'sim', type: f.type, faultId: f.id, runId: `sim-${script.seed}`, data: {} } });
    entries.push({ kind: 'fault-effective', at: f.t0, fault: f.id });
    entries.push({ kind: 'fault-injected', at: f.injectedAt, fault: f.id });
    entries.push({ kind: 'fault-reverting', at: f.revertedAt, fault: f.id, reason: 'duration-elapsed' });
    entries.push({ kind: 'fault-reverted', at: f.revertedAt + rng.uniform(0, 50), fault: f.id, reason: 'duration-elapsed' });
    const e = f.effect;
    const promoted = e.kind === 'crash-failover' || e.kind === 'split-brain' ? { at: e.promoteAt, to: e.to } : e.kind === 'freeze' && e.failover ? { at: e.failover.promoteAt, to: e.failover.to } : undefined;
    if (promoted) leader(promoted.at + rng.uniform(0, 1000), promoted.to);
  }
  const counts = { sent: run.facts.sentAt.length, acked: 0, failed: 0, inDoubt: 0 };
  for (const o of run.facts.outcome) {
    if (o === 1) counts.acked++;
    else if (o === 2) counts.failed++;
    else if (o === 3) counts.inDoubt++;
  }
  const seconds = Math.max((run.stoppedAt - script.load.startAt) / 1000, 1e-9);
  entries.push({ kind: 'load-stop', at: run.stoppedAt, summary: { driver: 'ledger', startedAt: script.load.startAt, stoppedAt: run.stoppedAt, ...counts, ackedPerSecond: counts.acked / seconds, errors: {} } });
  // Stable: entries at the same moment keep the order a drill journals them in.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map(({ e }) => e);
}
