import type { EntryOf, JournalEntry } from '../journal/index.js';
import type { MonoTime } from '../model/time.js';
import { lastRestore, type LoadSeries } from '../measure/index.js';

// What the timeline chart shows, in milliseconds from the run start: the load over time (when
// the driver kept a ledger), the windows in which faults were in effect, and the recovery
// milestones measured after the first fault.
export interface TimelineView {
  readonly durationMs: number;
  readonly series?: { readonly startMs: number; readonly bucketMs: number; readonly acked: readonly number[]; readonly failed: readonly number[]; readonly latencyMs: readonly (number | null)[] };
  readonly noSeries?: string; // why there is no load series
  readonly faults: readonly { readonly id: string; readonly type: string; readonly fromMs: number; readonly toMs: number; readonly reverted: boolean }[];
  readonly milestones: readonly { readonly name: Milestone; readonly atMs: number }[];
}

export type Milestone = 'fault' | 'impact' | 'new leader' | 'service restored' | 'redundancy restored';

// Each milestone is t0 plus the measurement of that name.
const MILESTONES: readonly [Milestone, string][] = [
  ['impact', 'time-to-impact'],
  ['new leader', 'time-to-new-leader'],
  ['service restored', 'rto'],
  ['redundancy restored', 'time-to-redundancy'],
];

export function timelineOf(entries: readonly JournalEntry[], durationMs: number): TimelineView {
  const origin = entries.find((e) => e.kind === 'run-start')?.at ?? 0;
  const rel = (at: MonoTime) => at - origin;
  const stop = entries.findLast((e): e is EntryOf<'load-stop'> => e.kind === 'load-stop');
  // Each fault from when its harm took effect (t0), else from when its injector returned.
  const effective = new Map<string, number>();
  for (const e of entries) if ((e.kind === 'fault-effective' || e.kind === 'fault-injected') && !effective.has(e.fault)) effective.set(e.fault, e.at);
  const reverted = new Map(entries.filter((e): e is EntryOf<'fault-reverted'> => e.kind === 'fault-reverted').map((e) => [e.fault, e.at]));
  const types = new Map(entries.filter((e): e is EntryOf<'fault-armed'> => e.kind === 'fault-armed').map((e) => [e.fault, e.revert.type]));
  const faults = [...effective].map(([id, at]) => ({ id, type: types.get(id) ?? 'fault', fromMs: rel(at), toMs: rel(reverted.get(id) ?? origin + durationMs), reverted: reverted.has(id) }));
  const milestones: { name: Milestone; atMs: number }[] = [];
  // After a restore into a scratch instance the RTO is the restore's, not a moment of the service.
  const scratchRestore = lastRestore(entries)?.into === 'scratch-instance';
  const measurements = entries.filter((e): e is EntryOf<'measurement'> => e.kind === 'measurement');
  const perFault = measurements.some((m) => m.fault !== undefined);
  const windows = perFault ? [...effective] : [...effective].slice(0, 1);
  for (const [fault, t0] of windows) {
    milestones.push({ name: 'fault', atMs: rel(t0) });
    for (const [name, measurement] of MILESTONES) {
      if (name === 'service restored' && scratchRestore) continue;
      // Each fault's own figures; journals without them (a restore's) have the run's only.
      const m = measurements.find((e) => e.name === measurement && e.fault === (perFault ? fault : undefined));
      if (m?.value !== undefined) milestones.push({ name, atMs: rel(t0) + m.value });
    }
  }
  const base = { durationMs, faults, milestones };
  if (stop?.series) return { ...base, series: seriesView(stop.series, rel) };
  return { ...base, noSeries: stop ? `the ${stop.summary.driver} driver keeps no per-write record` : 'the run had no load' };
}

function seriesView(series: LoadSeries, rel: (at: MonoTime) => number): NonNullable<TimelineView['series']> {
  return { startMs: rel(series.startAt), bucketMs: series.bucketMs, acked: series.acked, failed: series.failed, latencyMs: series.latencyMs };
}
