import type { JournalEntry, MeasurementName } from '../journal/entries.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { gapBound } from './gap.js';
import { measureFromProbes, rtoFromProbes } from './probes.js';
import { measureLoss, windowLoss, type Readback } from './rpo.js';
import { AckTimes, measureWindowRto } from './rto.js';
import { NO_FAULT, unmeasured, type DrillMeasurement, type DrillOptions, type FaultWindow, type Measurement, type WindowMeasurement } from './types.js';
import { faultWindows } from './windows.js';

// The probe interval, when the scenario says nothing: the steady state's default.
const DEFAULT_PROBE_MS = 500;

/**
 * Every figure of a drill: one measurement window per fault (its t0 to the next fault's t0, or
 * the end of the load), and the run's figure of each name, which for per-fault figures is the
 * worst window, saying which. A fault no client noticed did not exercise the RTO: its window
 * says so, and a run whose faults all went unnoticed has an RTO that is "not exercised", never
 * 0. Definitions: docs/measurement.md.
 */
export function measureDrill(entries: readonly JournalEntry[], ledger: Ledger | undefined, readback: Readback | undefined, options: DrillOptions): DrillMeasurement {
  const windows = faultWindows(entries);
  const gap = gapBound(ledger, windows[0]?.t0 ?? Number.POSITIVE_INFINITY, options.load);
  const loadEnd = loadEndOf(entries, ledger);
  const uncertaintyMs = options.clockUncertaintyMs ?? 0;
  // A server serving writes sends one at least every concurrency × interval (each connection
  // stays with one server): twice that, or the gap bound, joins its writes into one stretch.
  const intervalMs = options.load.rate === 'max' ? gap.ms / 3 : 1000 / options.load.rate;
  const servingGapMs = Math.max(gap.ms, 2 * options.load.concurrency * intervalMs);
  const acks = ledger ? new AckTimes(ledger, gap.ms) : undefined;
  const loss = ledger && readback ? measureLoss(ledger, readback, windows, servingGapMs, []) : undefined;
  const measured = windows.map((w): WindowMeasurement => {
    const from = entries.filter((e) => (e.kind === 'fault-effective' || e.kind === 'fault-injected') && e.fault === w.fault).slice(0, 1);
    const probes = measureFromProbes(entries, w, from);
    const perLoss = loss && readback ? windowLoss(w, loss.byFault.get(w.fault), uncertaintyMs, from) : undefined;
    const common = { window: w, timeToNewLeader: probes.timeToNewLeader, timeToRedundancy: probes.timeToRedundancy, ...(perLoss ? perLoss : {}) };
    if (ledger && acks) {
      const r = measureWindowRto(ledger, acks, w, gap.ms, options.stabilityWindowMs, loadEnd, from);
      return { ...common, impacted: r.impacted, rto: withUncertainty(r.rto, uncertaintyMs), timeToImpact: withUncertainty(r.timeToImpact, uncertaintyMs), downtime: r.downtime, timeToNewPrimary: withUncertainty(r.timeToNewPrimary, uncertaintyMs), disruptions: r.disruptions, outliers: r.outliers, awaiting: r.awaiting };
    }
    const interval = options.probeIntervalMs ?? DEFAULT_PROBE_MS;
    const p = rtoFromProbes(entries, w, options.stabilityWindowMs, interval, from);
    const none = unmeasured('the run had no ledger load');
    return { ...common, impacted: p.impacted, rto: p.rto, timeToImpact: none, downtime: none, timeToNewPrimary: none, disruptions: p.disruptions, outliers: 0, awaiting: false };
  });
  return { gapBound: gap, windows: measured, run: runFigures(measured, loss, Boolean(ledger), Boolean(readback)) };
}

function withUncertainty(m: Measurement, uncertaintyMs: number): Measurement {
  return uncertaintyMs && m.value !== undefined ? { ...m, evidence: { ...m.evidence, uncertaintyMs } } : m;
}

// When the load stopped (the last write sent, when the journal does not say).
function loadEndOf(entries: readonly JournalEntry[], ledger: Ledger | undefined): number {
  const stop = entries.findLast((e) => e.kind === 'load-stop');
  if (stop?.kind === 'load-stop') return stop.summary.stoppedAt;
  let last = Number.NEGATIVE_INFINITY;
  ledger?.forEach((_id, sentAt) => {
    if (sentAt > last) last = sentAt;
  });
  return Number.isFinite(last) ? last : (entries.at(-1)?.at ?? 0);
}

// The worst window's value of one figure, saying which; unmeasured if any window that should
// have one could not measure it (the worst is then unknown).
function worst(windows: readonly WindowMeasurement[], pick: (w: WindowMeasurement) => Measurement | undefined, what: string, onlyImpacted: boolean): Measurement {
  if (windows.length === 0) return NO_FAULT;
  const considered = windows.filter((w) => !onlyImpacted || w.impacted);
  if (considered.length === 0) {
    const blocked = windows.find((w) => pick(w)?.value === undefined && !pick(w)?.notExercised);
    if (blocked) return { ...unmeasured(`${blocked.window.fault}: ${pick(blocked)?.why ?? 'not measured'}`, pick(blocked)?.from ?? []), evidence: { fault: blocked.window.fault } };
    const all = windows.every((w) => w.window.expectNoImpact);
    const why = all ? `every fault was declared expect: no-impact, so the ${what} is judged by those instead` : `no fault disrupted clients (${windows.map((w) => w.window.fault).join(', ')}), so the ${what} was not exercised`;
    return { value: undefined, notExercised: true, why, from: pick(windows[0]!)?.from ?? [], evidence: { expectedNoImpact: all } };
  }
  const missing = considered.find((w) => pick(w)?.value === undefined);
  if (missing) return { ...unmeasured(`${missing.window.fault}: ${pick(missing)?.why ?? 'not measured'}`, pick(missing)?.from ?? []), evidence: { fault: missing.window.fault } };
  const top = considered.reduce((a, b) => (pick(b)!.value! > pick(a)!.value! ? b : a));
  const m = pick(top)!;
  return { ...m, why: considered.length > 1 ? `the worst of ${considered.length} faults: ${top.window.fault}: ${m.why}` : `${top.window.fault}: ${m.why}`, evidence: { ...m.evidence, fault: top.window.fault } };
}

// The longest of the windows' values among those that have one (informational figures).
function longest(windows: readonly WindowMeasurement[], pick: (w: WindowMeasurement) => Measurement): Measurement {
  if (windows.length === 0) return NO_FAULT;
  const valued = windows.filter((w) => pick(w).value !== undefined);
  if (valued.length === 0) return pick(windows.at(-1)!);
  const top = valued.reduce((a, b) => (pick(b).value! > pick(a).value! ? b : a));
  return { ...pick(top), why: `${top.window.fault}: ${pick(top).why}`, evidence: { ...pick(top).evidence, fault: top.window.fault } };
}

function runFigures(windows: readonly WindowMeasurement[], loss: ReturnType<typeof measureLoss> | undefined, hasLedger: boolean, hasReadback: boolean): Map<MeasurementName, Measurement> {
  const run = new Map<MeasurementName, Measurement>();
  const exercised = windows.some((w) => w.impacted);
  run.set('rto', worst(windows, (w) => w.rto, 'RTO', true));
  run.set('time-to-impact', longest(windows, (w) => w.timeToImpact));
  run.set('time-to-new-leader', longest(windows, (w) => w.timeToNewLeader));
  run.set('time-to-redundancy', longest(windows, (w) => w.timeToRedundancy));
  if (hasLedger) {
    run.set('downtime', longest(windows, (w) => w.downtime));
    run.set('time-to-new-primary', longest(windows, (w) => w.timeToNewPrimary));
    run.set('heal-disruption', healFigure(windows));
  }
  if (!loss) {
    const why = hasLedger ? (hasReadback ? 'the ledger could not be read back' : 'the ledger table could not be read back after recovery') : 'the run had no ledger load (pgbench, k6 or none), so no write can be checked: RPO and lost writes cannot be measured';
    run.set('lost-writes', unmeasured(why));
    run.set('rpo', unmeasured(why));
    return run;
  }
  const lostTotal = loss.lost.value ?? 0;
  if (loss.unattributed > 0) run.set('rpo', unmeasured(`${loss.unattributed} writes were lost but no fault took effect before their loss, so there is no t0`, [], { ids: loss.lost.evidence['ids'] }));
  else if (!exercised && lostTotal === 0) run.set('rpo', { value: undefined, notExercised: true, why: windows.length ? `no acknowledged write was lost, but no fault disrupted clients, so the RPO was not exercised` : 'no fault took effect in this run', from: [], evidence: { expectedNoImpact: windows.length > 0 && windows.every((w) => w.window.expectNoImpact) } });
  else run.set('rpo', worst(windows, (w) => w.rpo, 'RPO', false));
  run.set('lost-writes', !exercised && lostTotal === 0 && windows.length ? { ...loss.lost, notExercised: true, why: `${loss.lost.why}; no fault disrupted clients, so the loss of writes was not exercised`, evidence: { ...loss.lost.evidence, expectedNoImpact: windows.every((w) => w.window.expectNoImpact) } } : loss.lost);
  run.set('split-brain-writes', loss.splitBrain);
  run.set('in-doubt-writes', loss.inDoubt);
  run.set('phantom-rows', loss.phantoms);
  run.set('failed-present-writes', loss.failedPresent);
  return run;
}

// The longest disruption after service was restored, caused by healing (or later trouble).
function healFigure(windows: readonly WindowMeasurement[]): Measurement {
  const all = windows.flatMap((w) => w.disruptions.map((d) => ({ d, w: w.window })));
  if (all.length === 0) return { value: 0, why: 'no disruption after service was restored', from: [], evidence: {} };
  const top = all.reduce((a, b) => (b.d.lengthMs > a.d.lengthMs ? b : a));
  return {
    value: top.d.lengthMs,
    why: `${top.w.fault}: a ${top.d.kind === 'heal' ? 'heal disruption (after the revert began)' : 'later disruption (after service was restored)'} of ${Math.round(top.d.lengthMs)} ms from ${Math.round(top.d.startAt)} ms${top.d.unrecovered ? ', still going when the window ended' : ''}; ${all.length} in all`,
    from: [],
    evidence: { fault: top.w.fault, kind: top.d.kind, startAt: top.d.startAt, all: all.map(({ d, w }) => ({ fault: w.fault, ...d })) },
  };
}

export type { FaultWindow };
