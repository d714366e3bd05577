import { z } from 'zod';
import { describeValue, type SerializedError } from '../common/errors.js';
import { didYouMean } from '../common/suggest.js';
import type { StepKind } from '../scenario/schema/index.js';
import { explainIssues } from '../scenario/zod-issues.js';
import { RUN_STATUSES, type JournalEntry, type JournalEntryKind } from './entries.js';

// What a journal entry read back from disk must hold: one schema per `kind`, for the fields
// that reports, results and `kdrill cleanup` read (required as the types say; a field nothing
// reads is optional, and checked only when present). Unknown extra fields are allowed, so a later
// kdrill may add fields without breaking an earlier reader; validation never changes an entry.
// The compile-time check at the bottom proves every entry the types allow passes its schema.

const obj = <S extends z.core.$ZodLooseShape>(shape: S) => z.object(shape).meta({ expected: 'an object' });
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();
const record = <T extends z.ZodType>(value: T) => z.record(z.string(), value).meta({ expected: 'an object' });
const entry = <K extends JournalEntryKind, S extends z.core.$ZodLooseShape>(kind: K, shape: S) => obj({ kind: z.literal(kind), at: z.number(), ...shape });

const serializedError: z.ZodType<SerializedError> = z.lazy(() =>
  obj({ name: z.string(), code: z.string().optional(), message: z.string(), cause: serializedError.optional() }),
);

const STEP_KINDS = ['fault', 'wait', 'pause', 'action', 'checkpoint', 'revert'] as const satisfies readonly StepKind[];
// Every step kind is listed (a new one fails compilation here until it is).
const everyStepKind: Exclude<StepKind, (typeof STEP_KINDS)[number]> extends never ? true : never = true;
void everyStepKind;

const stepBase = { id: z.string(), name: z.string(), description: z.string().optional() };
const plannedStep = z.discriminatedUnion('kind', [
  obj({ ...stepBase, kind: z.literal('fault'), fault: obj({ type: z.string(), expect: z.string().optional() }) }),
  obj({ ...stepBase, kind: z.literal('action'), action: obj({ type: z.string(), params: record(z.unknown()).optional() }) }),
  obj({ ...stepBase, kind: z.literal('checkpoint'), checkpoint: obj({ prompt: z.string() }) }),
  obj({ ...stepBase, kind: z.literal('wait') }),
  obj({ ...stepBase, kind: z.literal('pause') }),
  obj({ ...stepBase, kind: z.literal('revert') }),
]);

const plan = obj({
  scenario: obj({ name: z.string(), file: z.string().optional(), cadence: z.string().optional(), description: z.string().optional() }),
  backend: z.string(),
  targets: obj({
    tier: z.string(),
    rpoMs: z.number(),
    rtoMs: z.number(),
    maxLostWrites: z.number().optional(),
    derivation: list(z.string()).optional(),
  }),
  steps: list(plannedStep),
  scenarioDoc: obj({
    verifications: list(obj({ verify: z.string(), required: z.boolean() })).optional(),
    gameDay: obj({ facilitator: z.string().optional(), participants: list(obj({ name: z.string(), role: z.string() })).optional() }).optional(),
  }).optional(),
});

const topology = obj({
  zones: list(obj({ name: z.string(), nodes: list(obj({ name: z.string(), members: list(obj({ name: z.string().optional(), kind: z.string(), role: z.string() })) })) })),
});

const loadSummary = obj({
  driver: z.string(),
  startedAt: z.number(),
  stoppedAt: z.number(),
  sent: z.number(),
  acked: z.number(),
  failed: z.number(),
  inDoubt: z.number(),
  ackedPerSecond: z.number(),
  meanLatencyMs: z.number().optional(),
  errors: record(z.number()),
  walBytes: z.number().optional(),
});

const loadSeries = obj({ startAt: z.number(), bucketMs: z.number(), acked: list(z.number()), failed: list(z.number()), latencyMs: list(z.number().nullable()) });

// The report lists `evidence.ids` of lost writes; anything else in the evidence is free-form.
const evidence = z.unknown().superRefine((value, ctx) => {
  const ids = value !== null && typeof value === 'object' ? (value as { ids?: unknown }).ids : undefined;
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'number'))) {
    ctx.addIssue({ code: 'custom', path: ['ids'], message: 'Expected `evidence.ids` to be a list of write ids (numbers)' });
  }
});

const outcome = z.enum(['ok', 'fail', 'info']);
const detailObject = record(z.unknown()).optional();

export const JOURNAL_ENTRY_SCHEMAS = {
  'run-start': entry('run-start', { wall: z.string(), runId: z.string().min(1), plan, kdrillVersion: z.string().optional() }),
  phase: entry('phase', { phase: z.string() }),
  'step-invoke': entry('step-invoke', { step: z.string(), op: z.string() }),
  'step-complete': entry('step-complete', { step: z.string(), outcome, detail: z.unknown().optional(), error: serializedError.optional() }),
  'action-repeat': entry('action-repeat', { step: z.string(), run: z.number().optional(), outcome: z.enum(['ok', 'fail']), detail: z.unknown().optional(), error: serializedError.optional() }),
  'fault-armed': entry('fault-armed', {
    fault: z.string(),
    step: z.string(),
    revert: obj({ backend: z.string(), type: z.string(), faultId: z.string(), runId: z.string(), data: record(z.unknown()) }),
  }),
  'fault-effective': entry('fault-effective', { fault: z.string(), detail: detailObject }),
  'fault-milestone': entry('fault-milestone', { fault: z.string(), milestone: z.string(), detail: detailObject }),
  'fault-injected': entry('fault-injected', { fault: z.string() }),
  'fault-reverting': entry('fault-reverting', { fault: z.string(), reason: z.string().optional() }),
  'fault-reverted': entry('fault-reverted', { fault: z.string(), reason: z.string().optional() }),
  'fault-revert-failed': entry('fault-revert-failed', { fault: z.string(), error: serializedError }),
  observation: entry('observation', { probe: z.string(), ok: z.boolean(), value: z.unknown().optional() }),
  checkpoint: entry('checkpoint', { step: z.string(), observation: z.string().optional(), decision: z.string().optional(), by: z.string().optional() }),
  environment: entry('environment', { backend: z.string(), topology: topology.optional(), versions: record(z.string()), why: z.string().optional() }),
  'load-start': entry('load-start', { driver: z.string(), detail: z.unknown().optional() }),
  'load-stop': entry('load-stop', { summary: loadSummary, ledger: z.string().optional(), series: loadSeries.optional() }),
  prepared: entry('prepared', { verify: z.string(), detail: z.unknown() }),
  'steady-state': entry('steady-state', { when: z.enum(['before', 'after']), held: z.boolean(), checks: list(obj({ probe: z.string(), held: z.boolean(), detail: z.string() })) }),
  measurement: entry('measurement', {
    name: z.string(),
    fault: z.string().optional(),
    value: z.number().optional(),
    notExercised: z.literal(true).optional(),
    unit: z.enum(['ms', 'writes', 'rows']),
    why: z.string(),
    evidence: evidence.optional(),
    from: list(obj({ kind: z.string(), at: z.number(), fault: z.string().optional() })).optional(),
  }),
  verification: entry('verification', { verify: z.string(), required: z.boolean(), verdict: z.enum(['pass', 'fail', 'unknown']), summary: z.string(), details: z.unknown().optional() }),
  abort: entry('abort', { reason: z.string() }),
  signal: entry('signal', { signal: z.string() }),
  'run-end': entry('run-end', { status: z.enum(RUN_STATUSES).optional(), error: serializedError.optional() }),
} as const satisfies Record<JournalEntryKind, z.ZodType>;

export const JOURNAL_ENTRY_KINDS = Object.keys(JOURNAL_ENTRY_SCHEMAS) as JournalEntryKind[];

// Compile-time proof that the schemas accept every entry the types allow: a kind named here
// has a schema that rejects some well-typed entry of that kind.
type Rejected = { [K in JournalEntryKind]: Extract<JournalEntry, { kind: K }> extends z.input<(typeof JOURNAL_ENTRY_SCHEMAS)[K]> ? never : K }[JournalEntryKind];
const schemasAcceptTheTypes: [Rejected] extends [never] ? true : Rejected = true;
void schemasAcceptTheTypes;

// A value parsed from one journal line as an entry, or the one sentence that says why it is not
// one ("Expected `runId` (required) to be a string, got nothing").
export function checkEntry(value: unknown): { ok: true; entry: JournalEntry } | { ok: false; why: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, why: `Expected a journal entry (a JSON object with \`kind\` and \`at\`), got ${describeValue(value)}` };
  }
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(JOURNAL_ENTRY_SCHEMAS, kind)) {
    const suggestion = typeof kind === 'string' ? didYouMean(kind, JOURNAL_ENTRY_KINDS) : undefined;
    return { ok: false, why: `Expected \`kind\` to be a journal entry kind (${KINDS_TEXT}), got ${describeValue(kind)}${suggestion ? `; did you mean "${suggestion}"?` : ''}` };
  }
  const schema = JOURNAL_ENTRY_SCHEMAS[kind as JournalEntryKind];
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, entry: value as JournalEntry };
  const issues = explainIssues(schema, value, result.error.issues);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return { ok: false, why: `${kind} entry: ${issues[0]?.message ?? 'Expected a valid entry'}${more}` };
}

const KINDS_TEXT = `"run-start", "step-invoke", "step-complete", … ${Object.keys(JOURNAL_ENTRY_SCHEMAS).length} in all`;

