import type { JournalEntry, RunStatus } from '../../../harness/journal/index.js';
import { resultFromJournal } from '../../../harness/engine/index.js';
import type { ReportInput } from '../../../harness/report/types.js';
import type { Plan, PlannedStep } from '../../../harness/scenario/plan-types.js';
import type { Scenario } from '../../../harness/scenario/schema/index.js';

export const SECRET = 'hunter2';
export const SCRIPT_NAME = '<script>alert("x")</script>';
export const WALL = '2024-05-01T10:00:00.000Z';

const steps: PlannedStep[] = [
  { id: 's1', name: 'kill primary', kind: 'fault', index: 0, description: 'kill the primary pod', fault: { type: 'pod-kill', params: { pod: 'primary' }, durationMs: 800 } },
  { id: 's2', name: 'wait for new leader', kind: 'wait', index: 1, description: 'wait for a new leader', wait: { condition: 'new-leader', timeoutMs: 500 } },
  { id: 's3', name: SCRIPT_NAME, kind: 'pause', index: 2, description: 'pause', pause: { ms: 100 } },
  { id: 's4', name: 's4', kind: 'pause', index: 3, description: 'pause', pause: { ms: 100 } },
];

// A minimal Plan by hand; scenarioDoc carries only what reporters read.
export function makePlan(): Plan {
  return {
    scenario: { name: 'primary-kill', file: 'scenarios/primary-kill.yaml', cadence: 'monthly', description: 'kill the primary' },
    backend: 'fake',
    targets: { tier: 'tier1', rpoMs: 0, rtoMs: 60_000, derivation: ['rto 1m from tier1', 'rpo 0s from tier1'] },
    warmUpMs: 0,
    steps,
    schedule: steps.map((s) => ({ stepId: s.id, earliestMs: 0, latestMs: 0, unattendedMs: 0 })),
    touches: ['primary'],
    judged: ['rto', 'rpo'],
    maxDurationMs: 3_600_000,
    scenarioDoc: { verifications: [{ verify: 'ledger-readback', required: true }] } as unknown as Scenario,
  };
}

// Builders for journal entries: `at` is monotonic ms from the run start.
export const j = {
  start: (at: number, plan: Plan): JournalEntry => ({ kind: 'run-start', at, wall: WALL, runId: 'run-1', plan, kdrillVersion: '0.1.0' }),
  invoke: (at: number, step: string, op: string): JournalEntry => ({ kind: 'step-invoke', at, step, op }),
  ok: (at: number, step: string, detail?: unknown): JournalEntry => ({ kind: 'step-complete', at, step, outcome: 'ok', ...(detail !== undefined ? { detail } : {}) }),
  fail: (at: number, step: string, message: string): JournalEntry => ({
    kind: 'step-complete',
    at,
    step,
    outcome: 'fail',
    error: { name: 'KdrillError', code: 'STEP_FAILED', message },
  }),
  armed: (at: number, fault: string, step: string): JournalEntry => ({
    kind: 'fault-armed',
    at,
    fault,
    step,
    revert: { backend: 'fake', type: 'pod-kill', faultId: fault, runId: 'run-1', data: { pod: 'pg-0' } },
  }),
  injected: (at: number, fault: string): JournalEntry => ({ kind: 'fault-injected', at, fault }),
  reverted: (at: number, fault: string): JournalEntry => ({ kind: 'fault-reverted', at, fault, reason: 'duration-elapsed' }),
  effective: (at: number, fault: string): JournalEntry => ({ kind: 'fault-effective', at, fault }),
  measured: (at: number, name: 'rto' | 'rpo', value: number, fault?: string): JournalEntry => ({ kind: 'measurement', at, name, ...(fault ? { fault } : {}), value, unit: 'ms', why: `${name} for the test`, from: [] }),
  end: (at: number, status: RunStatus, message?: string): JournalEntry => ({
    kind: 'run-end',
    at,
    status,
    ...(message ? { error: { name: 'Error', message } } : {}),
  }),
};

// A drill where s1 passes (its detail holds a password), s2 fails, s3 (named like a script
// tag) passes and s4 never runs; the run errors with a password in its message.
export function failedRunEntries(plan = makePlan()): JournalEntry[] {
  return [
    j.start(1000, plan),
    j.invoke(1100, 's1', 'fault pod-kill'),
    j.armed(1110, 'f1', 's1'),
    j.injected(1120, 'f1'),
    j.ok(1150, 's1', { connection: `postgres://kdrill:${SECRET}@db:5432/kdrill`, password: SECRET, note: `password=${SECRET}` }),
    j.invoke(1200, 's2', 'wait new-leader'),
    j.fail(1700, 's2', `no leader after 500ms: password=${SECRET} rejected`),
    j.invoke(1710, 's3', 'pause 100ms'),
    j.ok(1810, 's3'),
    j.reverted(1920, 'f1'),
    j.end(2000, 'errored', `backend said: password=${SECRET}`),
  ];
}

// A drill where every step passes and both targets were measured and met.
export function passedRunEntries(plan = makePlan()): JournalEntry[] {
  return [
    j.start(0, plan),
    j.invoke(10, 's1', 'fault pod-kill'),
    j.armed(11, 'f1', 's1'),
    j.effective(12, 'f1'),
    j.injected(12, 'f1'),
    j.ok(20, 's1'),
    j.invoke(30, 's2', 'wait new-leader'),
    j.ok(40, 's2'),
    j.invoke(50, 's3', 'pause'),
    j.ok(60, 's3'),
    j.invoke(70, 's4', 'pause'),
    j.ok(80, 's4'),
    j.reverted(90, 'f1'),
    // A pass needs measured, met targets: the fault's own window, then the run's figures.
    j.measured(95, 'rto', 28, 'f1'),
    j.measured(95, 'rto', 28),
    j.measured(95, 'rpo', 0),
    j.end(100, 'passed'),
  ];
}

export function inputFrom(entries: JournalEntry[]): ReportInput {
  const start = entries.find((e) => e.kind === 'run-start');
  if (start?.kind !== 'run-start') throw new Error('no run-start');
  return { plan: start.plan, result: resultFromJournal(entries, 'memory:journal'), entries };
}
