import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeControl } from '../common/control-chars.js';
import { formatDuration } from '../model/duration.js';
import { redactValue } from '../common/redact.js';
import type { SerializedError } from '../common/errors.js';
import type { EntryOf, JournalEntry, RunStatus } from '../journal/index.js';
import type { MonoTime } from '../model/time.js';
import type { MeasurementResult, TargetResult } from '../engine/result.js';
import type { ReportInput } from './types.js';
import { timelineOf, type TimelineView } from './timeline.js';
import { planningRows, type PlanningRow } from './planning.js';
import { environmentView, gameDayView, type EnvironmentView, type GameDayView } from './context.js';

// The flat, redacted view every text renderer formats: verdict, targets, steps, faults, and the
// same facts as test cases (JUnit, Allure). Renderers only format it; they decide nothing.
// Every string in it is one line of visible text: control and invisible format characters from
// the scenario or the journal (terminal escapes, newlines, bidi overrides) appear as escapes.

export type CaseStatus = 'passed' | 'failed' | 'broken' | 'skipped';

export interface ReportCase {
  readonly id: string; // unique within the run: "step:s1", "target:rto", "verify:amcheck", "run"
  readonly group: 'step' | 'target' | 'verification' | 'run';
  readonly name: string;
  readonly status: CaseStatus;
  readonly startAt: MonoTime; // offsets from the run start
  readonly stopAt: MonoTime;
  readonly message?: string; // why it failed, broke or was skipped
  readonly detail?: string;
}

export interface TargetRow {
  readonly name: string; // "RTO", "RPO", "lost writes", "no client impact from s1-x"
  readonly required: string;
  readonly measured: string;
  // Only 'met' (and 'not applicable') pass: not measured and not exercised fail the drill.
  readonly verdict: 'met' | 'missed' | 'not measured' | 'not exercised' | 'not applicable';
  readonly derivation: string;
}

// One fault's own measurement window: when its harm took effect and what it did to clients.
export interface WindowRow {
  readonly fault: string;
  readonly type: string;
  readonly t0: string; // when the harm took effect
  readonly armedToEffective: string; // from the revert record to the harm taking effect
  // What completed later, in the background (node NotReady, tainted, pods evicted), and when
  // the injector returned: "node-not-ready +41.2 s after t0".
  readonly milestones: readonly string[];
  readonly figures: readonly { readonly name: string; readonly value: string; readonly why: string }[];
}

export interface MeasurementRow {
  readonly name: string; // "time to impact"
  readonly value: string; // "—" when not measured
  readonly why: string;
}

// What the load did, in one line, and its most frequent errors.
export interface LoadRow {
  readonly driver: string;
  readonly summary: string; // "17,793 sent, 17,789 acknowledged (181/s, mean 2.1 ms), 0 failed, 4 in doubt"
  readonly errors: readonly string[]; // "connect: ECONNREFUSED × 12", most frequent first
}

export interface StepRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly outcome: 'ok' | 'fail' | 'info' | 'not run';
  readonly start: string;
  readonly end: string;
  readonly duration: string;
  readonly detail: string;
}

export interface FaultRow {
  readonly id: string;
  readonly step: string;
  readonly type: string;
  readonly armed: string;
  readonly effective: string; // t0: the harm took effect
  readonly injected: string;
  readonly reverted: string;
}

export interface ReportView {
  readonly scenario: string;
  readonly description?: string;
  readonly runId: string;
  readonly status: RunStatus;
  readonly verdict: string; // the status as an upper-case word: PASSED, TARGETS MISSED…
  readonly explanation: string; // one sentence on what the status means
  readonly startedWall: string;
  readonly startEpochMs: number; // NaN when the journal has no wall time
  readonly duration: string;
  readonly durationMs: number;
  readonly tier: string;
  readonly backend: string;
  readonly kdrillVersion?: string;
  readonly error?: string;
  readonly targets: readonly TargetRow[];
  readonly measurements: readonly MeasurementRow[]; // the run's figures (the worst window)
  readonly windows: readonly WindowRow[]; // each fault's own figures
  readonly load?: LoadRow;
  readonly steps: readonly StepRow[];
  readonly faults: readonly FaultRow[];
  readonly timeline: TimelineView;
  readonly environment?: EnvironmentView;
  readonly planning: readonly PlanningRow[]; // empty when the load recorded no WAL volume
  readonly gameDay?: GameDayView;
  readonly cases: readonly ReportCase[];
  // What went wrong, one line each, for the top of every report: failed and undecided cases,
  // and the acknowledged writes that were lost, by id. Empty when nothing did.
  readonly problems: readonly string[];
}

const EXPLANATIONS: Readonly<Record<RunStatus, string>> = {
  passed: 'every step completed and every measured target was met',
  'targets-missed': 'the drill ran, but a recovery target (RTO, RPO, lost writes or the steady state after) was missed',
  'integrity-failed': 'a required integrity check failed: the data is not what was written (see the verifications)',
  aborted: 'an abort condition stopped the drill; armed faults were reverted',
  interrupted: 'the drill was interrupted by a signal; armed faults were reverted',
  errored: 'the drill could not complete because of an error',
  'cleanup-incomplete': 'some faults may still be armed: run `kdrill cleanup` on this run directory',
};

// A verdict never claims more than was measured: targets that failed for want of a number, or
// because no fault exercised them, are named.
function explain(status: RunStatus, targets: readonly TargetRow[]): string {
  const unproven = targets.filter((t) => t.verdict === 'not measured' || t.verdict === 'not exercised').map((t) => `${t.name} ${t.verdict}`);
  if (status === 'targets-missed' && unproven.length) {
    const missed = targets.filter((t) => t.verdict === 'missed').map((t) => t.name);
    return `${missed.length ? `missed: ${missed.join(', ')}; ` : ''}not proven: ${unproven.join(', ')} (a target that was not measured or not exercised is never met)`;
  }
  return EXPLANATIONS[status] ?? status;
}

// "TARGETS MISSED": the status as the first word of every report.
export function verdictWord(status: RunStatus): string {
  return status.replace(/-/g, ' ').toUpperCase();
}

// A deep copy of the input with secrets masked (redactValue); every renderer starts here.
export function redactInput(input: ReportInput): ReportInput {
  return { plan: redactValue(input.plan), result: redactValue(input.result), entries: redactValue([...input.entries]) };
}

// Builds the view from a (not yet redacted) input: redacted, then escaped.
export function reportView(raw: ReportInput): ReportView {
  return escapedView(buildView(redactInput(raw)));
}

// Every string of a view with its control characters escaped ("\u001b[2J", "\nPASSED"), in a copy.
function escapedView<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map(escapedView) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapedView(v)])) as T;
  }
  return value;
}

function buildView(input: ReportInput): ReportView {
  const { plan, result, entries } = input;
  const start = entries.find((e): e is EntryOf<'run-start'> => e.kind === 'run-start');
  const origin = start?.at ?? 0;
  const startEpochMs = Date.parse(result.startedWall);
  const clock = (at: MonoTime | undefined): string => formatAt(at, origin, startEpochMs);
  const endAt = result.durationMs;
  const targets = targetRows(input);
  const windows = windowRows(input, clock);
  return {
    scenario: plan.scenario.name,
    ...(plan.scenario.description ? { description: plan.scenario.description } : {}),
    runId: result.runId,
    status: result.status,
    verdict: verdictWord(result.status),
    explanation: explain(result.status, targets),
    startedWall: result.startedWall,
    startEpochMs,
    duration: formatDuration(result.durationMs),
    durationMs: result.durationMs,
    tier: plan.targets.tier,
    backend: plan.backend,
    ...(start?.kdrillVersion ? { kdrillVersion: start.kdrillVersion } : {}),
    ...(result.error ? { error: errorLine(result.error) } : {}),
    targets,
    measurements: measurementRows(input),
    windows,
    ...loadRow(entries),
    steps: stepRows(input, clock),
    faults: result.faults.map((f) => ({
      id: f.id,
      step: f.step,
      type: f.type,
      armed: clock(f.armedAt),
      effective: clock(f.effectiveAt ?? f.injectedAt),
      injected: clock(f.injectedAt),
      reverted: f.revertedAt === undefined ? 'not reverted' : clock(f.revertedAt),
    })),
    timeline: timelineOf(entries, result.durationMs),
    ...optional('environment', environmentView(entries)),
    planning: planningRows(entries),
    ...optional('gameDay', gameDayView(plan, entries)),
    ...withProblems([...stepCases(input, origin, endAt, windows), ...targetCases(input, endAt), ...verificationCases(input, endAt), ...runCases(input, endAt)], entries),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

const LOST_LISTED = 20;

function withProblems(cases: ReportCase[], entries: readonly JournalEntry[]): { cases: ReportCase[]; problems: string[] } {
  const problems = cases
    .filter((c) => c.status === 'failed' || c.status === 'broken')
    .map((c) => `${c.name}: ${c.status === 'broken' && c.group === 'verification' ? 'could not judge: ' : ''}${c.message ?? c.status}`);
  const lost = entries.findLast((e): e is EntryOf<'measurement'> => e.kind === 'measurement' && e.name === 'lost-writes');
  if (lost?.value) {
    const ids = ((lost.evidence as { ids?: unknown } | undefined)?.ids as number[] | undefined) ?? [];
    const listed = ids.slice(0, LOST_LISTED).join(', ');
    problems.push(`${lost.value} acknowledged write${lost.value === 1 ? '' : 's'} lost${listed ? `: ids ${listed}${lost.value > ids.length ? `, … (the first ${ids.length} of ${lost.value})` : ''}` : ''}`);
  }
  return { cases, problems };
}

// How a case's status reads in a table: a verifier that could not decide said "unknown".
export function statusLabel(c: ReportCase): string {
  if (c.status === 'skipped') return 'not run';
  if (c.status === 'broken') return c.group === 'verification' ? 'unknown' : 'error';
  return c.status;
}

// "+1m05s (12:00:05.120Z)": an offset from the run start, with the wall time when known.
function formatAt(at: MonoTime | undefined, origin: MonoTime, startEpochMs: number): string {
  if (at === undefined) return '';
  const offset = `+${formatDuration(at - origin)}`;
  if (Number.isNaN(startEpochMs)) return offset;
  return `${offset} (${new Date(startEpochMs + at - origin).toISOString().slice(11)})`;
}

// "STEP_FAILED: no leader after 30s": an error as one line.
function errorLine(error: SerializedError): string {
  return `${error.code ? `${error.code}: ` : ''}${error.message}`;
}

// The step-complete of a step: its error and its detail, each as one line (the input is already redacted).
function completion(entries: readonly JournalEntry[], step: string): { error?: string; detail?: string } {
  const done = entries.findLast((e): e is EntryOf<'step-complete'> => e.kind === 'step-complete' && e.step === step);
  if (!done) return {};
  return {
    ...(done.error ? { error: errorLine(done.error) } : {}),
    ...(done.detail !== undefined ? { detail: typeof done.detail === 'string' ? done.detail : JSON.stringify(done.detail) } : {}),
  };
}

function stepRows(input: ReportInput, clock: (at: MonoTime | undefined) => string): StepRow[] {
  const ran = new Map(input.result.steps.map((s) => [s.id, s]));
  const rows: StepRow[] = input.result.steps.map((s) => ({
    id: s.id,
    name: s.name,
    kind: s.kind,
    outcome: s.outcome,
    start: clock(s.startedAt),
    end: clock(s.endedAt),
    duration: s.endedAt === undefined ? '' : formatDuration(s.endedAt - s.startedAt),
    detail: Object.values(completion(input.entries, s.id)).join('; '),
  }));
  for (const step of input.plan.steps) {
    if (!ran.has(step.id)) rows.push({ id: step.id, name: step.name, kind: step.kind, outcome: 'not run', start: '', end: '', duration: '', detail: '' });
  }
  return rows;
}

function stepCases(input: ReportInput, origin: MonoTime, endAt: MonoTime, windows: readonly WindowRow[]): ReportCase[] {
  const faultOfStep = new Map(input.result.faults.map((f) => [f.step, f.id]));
  const ran = new Map(input.result.steps.map((s) => [s.id, s]));
  return input.plan.steps.map((planned): ReportCase => {
    const name = `${planned.id} ${planned.name === planned.id ? planned.kind : planned.name}`;
    const step = ran.get(planned.id);
    if (!step) return { id: `step:${planned.id}`, group: 'step', name, status: 'skipped', startAt: endAt, stopAt: endAt, message: 'not run' };
    const { detail: completed, error } = completion(input.entries, step.id);
    const window = windowLine(windows.find((w) => w.fault === faultOfStep.get(step.id)));
    const detail = [completed, window].filter(Boolean).join('; ');
    const status: CaseStatus = step.outcome === 'ok' ? 'passed' : step.outcome === 'fail' ? 'failed' : 'broken';
    const message = status === 'passed' ? undefined : (error ?? (status === 'broken' ? 'outcome unknown: the step was stopped or never completed' : 'step failed'));
    return {
      id: `step:${step.id}`,
      group: 'step',
      name,
      status,
      startAt: step.startedAt - origin,
      stopAt: step.endedAt === undefined ? endAt : step.endedAt - origin,
      ...(message ? { message } : {}),
      ...(detail ? { detail } : {}),
    };
  });
}

const TARGET_LABELS: Readonly<Record<TargetResult['name'], string>> = { rto: 'RTO', rpo: 'RPO', 'lost-writes': 'lost writes', 'steady-state': 'steady state after', 'no-impact': 'no client impact' };
const VERDICTS: Readonly<Record<TargetResult['status'], TargetRow['verdict']>> = { met: 'met', missed: 'missed', 'not-measured': 'not measured', 'not-exercised': 'not exercised', 'not-applicable': 'not applicable' };

function formatQuantity(value: number | string, unit: TargetResult['unit'] | MeasurementResult['unit']): string {
  if (typeof value === 'string') return value;
  if (unit === 'ms') return formatMeasuredMs(value);
  return `${value} ${unit === 'check' ? '' : unit}`.trim();
}

// Milliseconds as a person reads them: "0 ms", "850 ms", "6.2 s", "2m05s".
function formatMeasuredMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(Math.round(ms / 1000) * 1000);
}

function loadRow(entries: readonly JournalEntry[]): { load?: LoadRow } {
  const stop = entries.findLast((e): e is EntryOf<'load-stop'> => e.kind === 'load-stop');
  if (!stop) return {};
  const s = stop.summary;
  const n = (v: number) => v.toLocaleString('en');
  const latency = s.meanLatencyMs === undefined ? '' : `, mean ${s.meanLatencyMs.toFixed(1)} ms`;
  const errors = Object.entries(s.errors)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([reason, count]) => `${reason} × ${n(count)}`);
  return { load: { driver: s.driver, summary: `${n(s.sent)} sent, ${n(s.acked)} acknowledged (${s.ackedPerSecond.toFixed(0)}/s${latency}), ${n(s.failed)} failed, ${n(s.inDoubt)} in doubt`, errors } };
}

function targetRows(input: ReportInput): TargetRow[] {
  return input.result.targets.map((t) => ({
    name: t.fault ? `${TARGET_LABELS[t.name]} from ${t.fault}` : TARGET_LABELS[t.name],
    required: typeof t.required === 'string' ? t.required : `≤ ${t.unit === 'ms' ? formatDuration(t.required) : formatQuantity(t.required, t.unit)}`,
    measured: t.measured === undefined ? VERDICTS[t.status] : formatQuantity(t.measured, t.unit),
    verdict: VERDICTS[t.status],
    derivation: t.derivation,
  }));
}

// A figure with the ± of the load's clock when a remote driver's times went into it.
function valueOf(m: MeasurementResult & { uncertaintyMs?: number }): string {
  if (m.value === undefined) return m.notExercised ? 'not exercised' : '—';
  return `${formatQuantity(m.value, m.unit)}${m.uncertaintyMs ? ` ± ${formatMeasuredMs(m.uncertaintyMs)}` : ''}`;
}

function measurementRows(input: ReportInput): MeasurementRow[] {
  return input.result.measurements.filter((m) => !m.fault).map((m) => ({ name: m.name.replace(/-/g, ' '), value: valueOf(m), why: m.why }));
}

function windowRows(input: ReportInput, clock: (at: MonoTime | undefined) => string): WindowRow[] {
  return input.result.faults
    .filter((f) => f.effectiveAt !== undefined || f.injectedAt !== undefined)
    .map((f) => {
      const t0 = f.effectiveAt ?? f.injectedAt!;
      const later = input.entries.filter((e): e is EntryOf<'fault-milestone'> => e.kind === 'fault-milestone' && e.fault === f.id).map((e) => `${e.milestone} ${formatMeasuredMs(e.at - t0)} after t0`);
      const returned = f.injectedAt !== undefined && f.injectedAt - t0 >= 1_000 ? [`the injector returned ${formatMeasuredMs(f.injectedAt - t0)} after t0`] : [];
      return {
        fault: f.id,
        type: f.type,
        t0: clock(t0),
        armedToEffective: formatMeasuredMs(Math.max(0, t0 - f.armedAt)),
        milestones: [...later, ...returned],
        figures: input.result.measurements.filter((m) => m.fault === f.id).map((m) => ({ name: m.name.replace(/-/g, ' '), value: valueOf(m), why: m.why })),
      };
    });
}

// One line of a fault's window figures, for the step's test case (JUnit, Allure).
function windowLine(row: WindowRow | undefined): string | undefined {
  if (!row) return undefined;
  return `${row.fault}: t0 ${row.t0} (${row.armedToEffective} after arming); ${row.figures.map((f) => `${f.name} ${f.value}`).join(', ')}`;
}

function targetCases(input: ReportInput, endAt: MonoTime): ReportCase[] {
  return targetRows(input).map((row): ReportCase => {
    const status: CaseStatus = row.verdict === 'met' ? 'passed' : row.verdict === 'not applicable' ? 'skipped' : 'failed';
    const message = row.verdict === 'missed' ? `${row.name} ${row.measured}, required ${row.required}` : row.verdict === 'met' ? undefined : `${row.name} ${row.verdict}: ${row.derivation}`;
    return {
      id: `target:${row.name.replace(/\s+/g, '-').toLowerCase()}`,
      group: 'target',
      name: `target ${row.name} ${row.required}`,
      status,
      startAt: 0,
      stopAt: endAt,
      ...(message ? { message } : {}),
      ...(row.derivation ? { detail: row.derivation } : {}),
    };
  });
}

function verificationCases(input: ReportInput, endAt: MonoTime): ReportCase[] {
  const planned = input.plan.scenarioDoc?.verifications ?? [];
  return planned.map((v): ReportCase => {
    const e = input.result.evidence[v.verify];
    const summary = e?.summary;
    const status: CaseStatus = !e ? 'skipped' : e.verdict === 'pass' ? 'passed' : e.verdict === 'fail' ? 'failed' : 'broken';
    const message = status === 'skipped' ? 'not verified' : status === 'passed' ? undefined : summary;
    return {
      id: `verify:${v.verify}`,
      group: 'verification',
      name: `verify ${v.verify}${v.required ? '' : ' (optional)'}`,
      status,
      startAt: 0,
      stopAt: endAt,
      ...(message ? { message } : {}),
      ...(summary && status === 'passed' ? { detail: summary } : {}),
    };
  });
}

// Statuses no step, target or verification case carries get one case for the run itself.
function runCases(input: ReportInput, endAt: MonoTime): ReportCase[] {
  const { result, entries } = input;
  if (!['errored', 'aborted', 'interrupted', 'cleanup-incomplete'].includes(result.status)) return [];
  const stop = entries.find((e) => e.kind === 'abort' || e.kind === 'signal');
  const why = result.error
    ? errorLine(result.error)
    : stop?.kind === 'abort'
      ? `aborted: ${stop.reason}`
      : stop?.kind === 'signal'
        ? `interrupted by ${stop.signal}`
        : EXPLANATIONS[result.status];
  return [{ id: 'run', group: 'run', name: `run ${verdictWord(result.status)}`, status: 'broken', startAt: 0, stopAt: endAt, message: why }];
}

// Writes one report file (creating its directory) and returns its path.
export async function writeReportFile(file: string, text: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
  return file;
}
