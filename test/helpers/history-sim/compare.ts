import type { Simulation } from './index.js';

// kdrill's figures beside the simulator's truth. The measured side is described by the few
// fields read here (structurally: kdrill's DrillMeasurement fits), so the simulator still
// imports nothing from harness/measure.

export interface MeasuredFigure {
  readonly value: number | undefined;
  readonly why: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly notExercised?: true;
}

export interface MeasuredWindow {
  readonly window: { readonly fault: string; readonly t0: number };
  readonly impacted: boolean;
  readonly rto: MeasuredFigure;
  readonly lost?: MeasuredFigure;
  readonly rpo?: MeasuredFigure;
}

export interface MeasuredDrill {
  readonly windows: readonly MeasuredWindow[];
  readonly run: ReadonlyMap<string, MeasuredFigure>;
}

export const FIGURES = ['windows', 'impacted', 'rto', 'lost', 'rpo', 'window split-brain', 'run rto', 'run lost-writes', 'run split-brain-writes', 'run in-doubt-writes'] as const;
export type Figure = (typeof FIGURES)[number];

export interface Finding {
  readonly figure: Figure;
  readonly fault?: string;
  readonly truth: unknown;
  readonly measured: unknown;
  readonly error: number; // how far outside the truth (ms or writes; 0: agrees exactly or within tolerance's centre)
  readonly tolerance: number;
  readonly ok: boolean;
  readonly why?: string; // kdrill's own explanation of its figure
}

const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);

/**
 * Every comparison of one simulation (ok or not, so a bench can report errors within
 * tolerance too). The tolerances:
 *   - RTO: the truth's per-fault tolerance (truth.ts, rtoTolerance: the load's resolution); the
 *     run's RTO: within the span the worst window's could take, naming a window that could be it;
 *   - RPO: the truth must lie in kdrill's interval [lower, upper], ±1 ms for rounding;
 *   - split-brain writes: ± the writes whose verdict turns on two replies in flight at once;
 *   - lost and in-doubt writes: exact.
 */
export function compare(sim: Simulation, m: MeasuredDrill): Finding[] {
  const out: Finding[] = [];
  const t = sim.truth;
  const push = (f: Omit<Finding, 'ok'> & { ok?: boolean }): void => void out.push({ ok: f.ok ?? Math.abs(f.error) <= f.tolerance, ...f });
  const ids = m.windows.map((w) => w.window.fault);
  const wantIds = t.faults.map((f) => f.fault);
  const sameWindows = ids.join(',') === wantIds.join(',') && m.windows.every((w, i) => Math.abs(w.window.t0 - t.faults[i]!.t0) < 1e-6);
  push({ figure: 'windows', truth: wantIds.join(','), measured: ids.join(','), error: sameWindows ? 0 : 1, tolerance: 0 });
  const ambiguous = t.splitBrainAmbiguous;
  t.faults.forEach((f) => {
    const w = m.windows.find((x) => x.window.fault === f.fault);
    if (!w) return;
    push({ figure: 'impacted', fault: f.fault, truth: f.disrupted, measured: w.impacted, error: f.disrupted === w.impacted ? 0 : 1, tolerance: 0, why: w.rto.why });
    if (f.disrupted) {
      const v = w.rto.value;
      push({ figure: 'rto', fault: f.fault, truth: f.rtoMs, measured: v, error: v === undefined ? Number.POSITIVE_INFINITY : v - f.rtoMs, tolerance: f.toleranceMs, why: w.rto.why });
    } else {
      const ok = w.rto.value === undefined && w.rto.notExercised === true;
      push({ figure: 'rto', fault: f.fault, truth: 'not exercised', measured: w.rto.notExercised ? 'not exercised' : w.rto.value, error: ok ? 0 : Number.POSITIVE_INFINITY, tolerance: 0, ok, why: w.rto.why });
    }
    const lost = w.lost?.value;
    push({ figure: 'lost', fault: f.fault, truth: f.lost, measured: lost, error: lost === undefined ? Number.POSITIVE_INFINITY : lost - f.lost, tolerance: 0, ...(w.lost ? { why: w.lost.why } : {}) });
    const split = num(w.lost?.evidence.splitBrain);
    push({ figure: 'window split-brain', fault: f.fault, truth: f.splitBrain, measured: split, error: split === undefined ? Number.POSITIVE_INFINITY : split - f.splitBrain, tolerance: ambiguous });
    const lower = num(w.rpo?.evidence.lower);
    const upper = num(w.rpo?.evidence.upper);
    const outside = lower === undefined || upper === undefined ? Number.POSITIVE_INFINITY : f.rpoMs < lower ? f.rpoMs - lower : f.rpoMs > upper ? f.rpoMs - upper : 0;
    push({ figure: 'rpo', fault: f.fault, truth: f.rpoMs, measured: lower === undefined ? w.rpo?.value : [lower, upper], error: outside, tolerance: 1, ...(w.rpo ? { why: w.rpo.why } : {}) });
  });
  const rto = m.run.get('rto');
  const hurt = t.faults.filter((f) => f.disrupted);
  if (hurt.length) {
    // Each window's figure may be anywhere within its tolerance, so the worst of them lies
    // between the largest lower and the largest upper bound, and may be any window whose
    // upper bound reaches that largest lower bound.
    const low = Math.max(...hurt.map((f) => f.rtoMs - f.toleranceMs));
    const high = Math.max(...hurt.map((f) => f.rtoMs + f.toleranceMs));
    const candidates = hurt.filter((f) => f.rtoMs + f.toleranceMs >= low).map((f) => f.fault);
    const v = rto?.value;
    const named = rto?.evidence.fault;
    const error = v === undefined ? Number.POSITIVE_INFINITY : v < low ? v - low : v > high ? v - high : 0;
    const worst = t.worst!;
    push({ figure: 'run rto', truth: `${Math.round(worst.rtoMs)} (${candidates.join(' or ')})`, measured: `${v === undefined ? v : Math.round(v)} (${String(named)})`, error, tolerance: 0, ok: error === 0 && candidates.includes(String(named)), ...(rto ? { why: rto.why } : {}) });
  } else {
    const ok = rto?.value === undefined;
    push({ figure: 'run rto', truth: 'none', measured: rto?.value, error: ok ? 0 : Number.POSITIVE_INFINITY, tolerance: 0, ok, ...(rto ? { why: rto.why } : {}) });
  }
  const runCount = (figure: Figure, name: string, truth: number, tolerance: number): void => {
    const f = m.run.get(name);
    const v = f?.value;
    push({ figure, truth, measured: v, error: v === undefined ? Number.POSITIVE_INFINITY : v - truth, tolerance, ...(f ? { why: f.why } : {}) });
  };
  runCount('run lost-writes', 'lost-writes', t.lost, 0);
  runCount('run split-brain-writes', 'split-brain-writes', t.splitBrain, ambiguous);
  runCount('run in-doubt-writes', 'in-doubt-writes', t.inDoubt, 0);
  return out;
}

export function describeFinding(f: Finding): string {
  const round = (x: unknown): string => (typeof x === 'number' ? String(Math.round(x * 10) / 10) : JSON.stringify(x));
  return `${f.figure}${f.fault ? ` [${f.fault}]` : ''}: truth ${round(f.truth)}, kdrill ${round(f.measured)} (error ${round(f.error)}, tolerance ${round(f.tolerance)})${f.why ? ` — kdrill: "${f.why}"` : ''}`;
}
