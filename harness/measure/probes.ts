import type { EntryOf } from '../journal/journal.js';
import type { JournalEntry } from '../journal/entries.js';
import { unmeasured, type FaultWindow, type LaterDisruption, type Measurement } from './types.js';

type Observation = EntryOf<'observation'>;

const observations = (entries: readonly JournalEntry[], probe: string): Observation[] => entries.filter((e): e is Observation => e.kind === 'observation' && e.probe === probe);
const field = (o: Observation, key: string): unknown => (typeof o.value === 'object' && o.value !== null ? (o.value as Record<string, unknown>)[key] : undefined);
const within = (o: Observation, w: FaultWindow) => o.at >= w.t0 && o.at < w.end;
const windowEnd = (w: FaultWindow) => (Number.isFinite(w.end) ? 'before the next fault took effect' : 'before the monitor stopped');

/**
 * From the drill monitor's journalled transitions, within one fault's window. Time to a new
 * leader: t0 to the first observation of a single leader other than the one observed last
 * before t0. Time to full redundancy: t0 to the first observation of every replica streaming
 * after redundancy was observed lost (after t0, or already lost when the fault began).
 */
export function measureFromProbes(entries: readonly JournalEntry[], window: FaultWindow, from: readonly JournalEntry[]): { timeToNewLeader: Measurement; timeToRedundancy: Measurement } {
  return { timeToNewLeader: newLeader(observations(entries, 'leader'), window, from), timeToRedundancy: redundancy(observations(entries, 'redundancy'), window, from) };
}

function newLeader(seen: readonly Observation[], w: FaultWindow, from: readonly JournalEntry[]): Measurement {
  const before = seen.filter((o) => o.at < w.t0 && o.ok).at(-1);
  const previous = before ? field(before, 'leader') : undefined;
  if (!before || typeof previous !== 'string') return unmeasured('the leader was not observed before the fault', from);
  const after = seen.find((o) => within(o, w) && o.ok && field(o, 'leader') !== previous);
  if (!after) return unmeasured(`${previous} stayed the leader ${windowEnd(w)}`, [...from, before], { leader: previous });
  return { value: after.at - w.t0, why: `${String(field(after, 'leader'))} observed as the single leader instead of ${previous}`, from: [...from, before, after], evidence: { previous, leader: field(after, 'leader') } };
}

function redundancy(seen: readonly Observation[], w: FaultWindow, from: readonly JournalEntry[]): Measurement {
  const lastBefore = seen.filter((o) => o.at < w.t0).at(-1);
  const lost = seen.find((o) => within(o, w) && !o.ok) ?? (lastBefore?.ok === false ? lastBefore : undefined);
  if (!lost) return unmeasured(seen.length ? `every replica kept streaming ${windowEnd(w)}: redundancy was never lost` : 'redundancy was not observed', from);
  const restored = seen.find((o) => o.at > Math.max(lost.at, w.t0) && o.at < w.end && o.ok);
  if (!restored) return unmeasured(`redundancy was lost and not observed restored ${windowEnd(w)}`, [...from, lost]);
  return { value: restored.at - w.t0, why: `every replica streaming again (${String(field(restored, 'detail'))})`, from: [...from, lost, restored], evidence: {} };
}

export interface ProbeRto {
  readonly impacted: boolean;
  readonly rto: Measurement;
  readonly disruptions: readonly LaterDisruption[];
}

/**
 * RTO from the write-availability probe, for runs without a ledger (pgbench, k6, or no load),
 * within one fault's window: t1 is the first successful probe write after a failure from which
 * the probe kept succeeding for the stability window (the monitor journals transitions, so
 * "no failure observed until then" is enough). Once found, t1 is final; a later failure is a
 * disruption of its own. Its resolution is the probe interval.
 */
export function rtoFromProbes(entries: readonly JournalEntry[], window: FaultWindow, stabilityMs: number, intervalMs: number, from: readonly JournalEntry[]): ProbeRto {
  const all = observations(entries, 'write-availability');
  const seen = all.filter((o) => within(o, window));
  const observedUntil = Math.min(window.end, entries.findLast((e) => e.kind === 'load-stop' || e.kind === 'phase')?.at ?? entries.at(-1)?.at ?? window.t0);
  const healAfter = window.revertingAt ?? window.revertedAt ?? Number.POSITIVE_INFINITY;
  const failedAtT0 = all.filter((o) => o.at < window.t0).at(-1)?.ok === false;
  if (!all.some((o) => o.at < window.t0 && o.ok)) return { impacted: false, rto: unmeasured('the write probe never succeeded before the fault', from), disruptions: [] };
  let t1: Observation | undefined;
  let impacted = failedAtT0;
  let down: Observation | undefined;
  const disruptions: LaterDisruption[] = [];
  for (let i = 0; i < seen.length; i++) {
    const o = seen[i]!;
    if (!o.ok) {
      impacted = true;
      down ??= o;
      continue;
    }
    const next = seen.slice(i + 1).find((n) => !n.ok);
    const stable = (next?.at ?? observedUntil) - o.at >= stabilityMs;
    if (!stable || (!down && !(failedAtT0 && !t1))) continue;
    if (!t1) t1 = o;
    else if (down) disruptions.push({ kind: down.at >= healAfter ? 'heal' : 'later', startAt: down.at, lengthMs: o.at - down.at });
    down = undefined;
  }
  if (t1 && down) disruptions.push({ kind: down.at >= healAfter ? 'heal' : 'later', startAt: down.at, lengthMs: observedUntil - down.at, unrecovered: true });
  const resolution = `probe resolution: its interval, ${intervalMs} ms`;
  if (!impacted) {
    const observedMs = observedUntil - window.t0;
    if (observedMs < stabilityMs) return { impacted, rto: unmeasured(`the write probe was observed for only ${Math.round(observedMs)} ms after t0`, from), disruptions };
    return { impacted, rto: { value: undefined, notExercised: true, why: `the write probe never failed after the fault (${resolution}): this fault did not exercise the RTO`, from, evidence: { t0: window.t0 } }, disruptions };
  }
  if (!t1) return { impacted, rto: unmeasured(`the write probe did not succeed for the stability window (${stabilityMs} ms) after its last failure ${windowEnd(window)}`, from), disruptions };
  return { impacted, rto: { value: t1.at - window.t0, why: `t1 = the first successful probe write from which it kept succeeding for the stability window (${resolution})`, from: [...from, t1], evidence: { t0: window.t0, t1: t1.at, resolutionMs: intervalMs } }, disruptions };
}
