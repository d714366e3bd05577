import type { EntryOf } from '../engine/journal.js';
import type { JournalEntry } from '../engine/journal-types.js';
import { disruptionStart } from './t0.js';
import { NO_FAULT, unmeasured, type Measurement } from './types.js';

type Observation = EntryOf<'observation'>;

const observations = (entries: readonly JournalEntry[], probe: string): Observation[] => entries.filter((e): e is Observation => e.kind === 'observation' && e.probe === probe);
const field = (o: Observation, key: string): unknown => (typeof o.value === 'object' && o.value !== null ? (o.value as Record<string, unknown>)[key] : undefined);

/**
 * From the drill monitor's journalled transitions. Time to a new leader: t0 to the first
 * observation of a single leader other than the one observed last before t0. Time to full
 * redundancy: t0 to the first observation of every replica streaming that follows one of
 * redundancy lost after t0.
 */
export function measureFromProbes(entries: readonly JournalEntry[], fault?: string): { timeToNewLeader: Measurement; timeToRedundancy: Measurement } {
  const start = disruptionStart(entries, fault);
  if (!start) return { timeToNewLeader: NO_FAULT, timeToRedundancy: NO_FAULT };
  const t0 = start.at;
  return { timeToNewLeader: newLeader(observations(entries, 'leader'), start), timeToRedundancy: redundancy(observations(entries, 'redundancy'), start, t0) };
}

function newLeader(seen: readonly Observation[], start: JournalEntry): Measurement {
  const t0 = start.at;
  const before = seen.filter((o) => o.at < t0 && o.ok).at(-1);
  const previous = before ? field(before, 'leader') : undefined;
  if (!before || typeof previous !== 'string') return unmeasured('the leader was not observed before the fault', [start]);
  const after = seen.find((o) => o.at >= t0 && o.ok && field(o, 'leader') !== previous);
  if (!after) return unmeasured(`${previous} stayed the leader throughout`, [start, before], { leader: previous });
  return { value: after.at - t0, why: `${String(field(after, 'leader'))} observed as the single leader instead of ${previous}`, from: [start, before, after], evidence: { previous, leader: field(after, 'leader') } };
}

function redundancy(seen: readonly Observation[], start: JournalEntry, t0: number): Measurement {
  const lost = seen.find((o) => o.at >= t0 && !o.ok) ?? (seen.filter((o) => o.at < t0).at(-1)?.ok === false ? seen.filter((o) => o.at < t0).at(-1) : undefined);
  if (!lost) return unmeasured(seen.length ? 'every replica kept streaming: redundancy was never lost' : 'redundancy was not observed', [start]);
  const restored = seen.find((o) => o.at > Math.max(lost.at, t0) && o.ok);
  if (!restored) return unmeasured('redundancy was lost and not observed restored before the load stopped', [start, lost]);
  return { value: restored.at - t0, why: `every replica streaming again (${String(field(restored, 'detail'))})`, from: [start, lost, restored], evidence: {} };
}

/**
 * RTO from the write-availability probe, for runs without a ledger (pgbench, or no load): t1 is
 * the first successful probe write after the last failed one since t0, provided the monitor
 * kept observing for the stability window after it. Its resolution is the probe interval.
 */
export function rtoFromProbes(entries: readonly JournalEntry[], stabilityWindowMs: number, fault?: string): Measurement {
  const start = disruptionStart(entries, fault);
  if (!start) return NO_FAULT;
  const t0 = start.at;
  const seen = observations(entries, 'write-availability').filter((o) => o.at >= t0);
  const lastFailure = seen.filter((o) => !o.ok).at(-1);
  if (!lastFailure) return { value: 0, why: 'the write probe never failed after the fault', from: [start], evidence: { t0 } };
  const restored = seen.find((o) => o.ok && o.at > lastFailure.at);
  const observedUntil = entries.findLast((e) => e.kind === 'load-stop' || e.kind === 'phase')?.at ?? entries.at(-1)?.at ?? t0;
  if (!restored || observedUntil - restored.at < stabilityWindowMs) {
    return unmeasured(`the write probe did not succeed for ${stabilityWindowMs} ms after its last failure`, [start, lastFailure]);
  }
  return { value: restored.at - t0, why: `t1 = the first successful probe write after the last failed one (probe resolution: its interval)`, from: [start, lastFailure, restored], evidence: { t0, t1: restored.at } };
}
