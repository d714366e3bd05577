import type { Endpoints } from '../model/endpoints.js';
import type { DbTarget } from '../db/target.js';
import type { JournalEntry, MeasurementName } from '../journal/entries.js';
import type { ObserverContext } from '../engine/run.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { ReadbackResult } from '../verify/ledger-readback/read.js';
import { isReplica, readLedgerTable } from '../verify/ledger-readback/read.js';
import { VERIFIERS_AVAILABLE } from '../verify/api.js';
import { evidence, type Evidence, type RestoreFindings, type VerifyContext } from '../verify/types.js';
import { dbTargetOfUrl } from '../db/target.js';
import { lastRestore, measureRestore, restoreRto, unmeasured, type Measurement, type RestoreMeasurement, type RestoreStep } from '../measure/index.js';
import { drillOptions, measureRun, refOf } from './measurements.js';

const READBACK_ATTEMPTS = 12;
const VERIFY_TIMEOUT_MS = 60_000;

// After the load stopped: reads the ledger table back once, journals every measurement, then
// runs each verification of the scenario in order and journals its evidence.
//
// A restore into a fresh cluster is judged this way too: the rebuilt cluster serves the load
// again through the same Service, so its RTO runs from the fault to continuous writes, as
// clients saw it. Only RPO and lost writes come from the restore's recovery point, and writes
// sent after the decision to restore went to the rebuilt cluster, so they are left out of it.
export async function judgeRun(ctx: ObserverContext, scenario: Scenario, rw: DbTarget, endpoints: Endpoints, prepared: ReadonlyMap<string, unknown>): Promise<void> {
  const restore = lastRestore(ctx.entries);
  if (restore && restore.into !== 'fresh-cluster') return judgeRestore(ctx, scenario, restore, rw, endpoints, prepared);
  if (restore && !restore.ok) return judgeNothingRestored(ctx, scenario, restore);
  const ledger = ctx.load?.ledger;
  const readback = ledger ? await readBack(rw, ledger.size, ctx.log) : undefined;
  if (readback) ctx.log(`read back ${readback.ids.rows} ledger rows from ${restore ? `the rebuilt cluster (${readback.server})` : readback.server} in ${Math.round(readback.durationMs)} ms`);
  const found = restore && ledger && readback ? measureRestore(ctx.entries, ledger, readback.ids, restore, restore.decidedAt) : undefined;
  const { figures } = measureRun(ctx.entries, ledger, readback?.ids, drillOptions(scenario, clockUncertaintyOf(ctx.entries)));
  for (const m of figures) {
    // After a rebuild from backup, loss is the restore's (its recovery point), not a window's.
    if (found && m.fault && (m.name === 'rpo' || m.name === 'lost-writes')) continue;
    const measurement = found && !m.fault && m.name === 'rpo' ? found.rpo : found && !m.fault && m.name === 'lost-writes' ? found.lost : m.measurement;
    await recordMeasurement(ctx, m.name, m.unit, measurement, m.fault);
  }
  const findings = restore ? { restore: findingsOf(restore, 'the rebuilt cluster', found) } : {};
  const about = await backupFacts(ctx, scenario);
  await runVerifications(ctx, scenario, verifyWith((spec) => ({ target: rw, endpoints, ...(ledger ? { ledger } : {}), ...(readback ? { readback } : {}), ...findings, ...about, prepared: prepared.get(spec.verify), timeoutMs: VERIFY_TIMEOUT_MS, log: ctx.log })));
}

// The backup repository and the tier's targets, for the verifiers that judge them.
async function backupFacts(ctx: ObserverContext, scenario: Scenario): Promise<Pick<VerifyContext, 'inventory' | 'targets'>> {
  const start = ctx.entries.find((e) => e.kind === 'run-start');
  const targets = start?.kind === 'run-start' ? start.plan.targets : undefined;
  const wanted = scenario.verifications.some((v) => v.verify === 'residency' || v.verify === 'retention');
  const inventory = wanted ? await ctx.connected.backupInventory?.().catch((error: unknown) => void ctx.log(`backup inventory unavailable: ${(error as Error).message}`)) : undefined;
  return { ...(inventory ? { inventory } : {}), ...(targets ? { targets } : {}) };
}

/**
 * After a restore drill: everything is judged on the restored instance, not the running
 * cluster. The ledger is read back from it against its recovery point; the restore's RTO runs
 * from the decision to restore until the instance is writable and verified, so the
 * verifications run first and the measurements are journalled after them.
 */
async function judgeRestore(ctx: ObserverContext, scenario: Scenario, restore: RestoreStep, rw: DbTarget, endpoints: Endpoints, prepared: ReadonlyMap<string, unknown>): Promise<void> {
  const ledger = ctx.load?.ledger;
  const instance = endpoints.restored?.at(-1);
  const target = instance && dbTargetOfUrl(instance.url, endpoints);
  if (!restore.ok || !target) return judgeNothingRestored(ctx, scenario, restore, restore.ok ? 'the backend reported no restored instance to check' : undefined);
  const restored: DbTarget = { ...target, database: rw.database };
  const started = performance.now();
  const readback = ledger ? await readBack(restored, ledger.size, ctx.log, 3) : undefined;
  if (readback) ctx.log(`read back ${readback.ids.rows} ledger rows from the restored instance ${instance.name} in ${Math.round(readback.durationMs)} ms`);
  // The ledger is scanned once: only the RTO waits for the verifications' time.
  const found = ledger && readback ? measureRestore(ctx.entries, ledger, readback.ids, restore) : undefined;
  const findings = findingsOf(restore, instance.name, found);
  const about = await backupFacts(ctx, scenario);
  await runVerifications(ctx, scenario, verifyWith((spec) => ({ target: restored, endpoints, ...(ledger ? { ledger } : {}), ...(readback ? { readback } : {}), restore: findings, ...about, prepared: prepared.get(spec.verify), timeoutMs: VERIFY_TIMEOUT_MS, log: ctx.log })));
  const verifyMs = performance.now() - started;
  const why = ledger ? 'the restored ledger table could not be read back' : 'the run had no ledger load, so no write can be checked';
  const rows: [name: 'rto' | 'rpo' | 'lost-writes' | 'phantom-rows', unit: 'ms' | 'writes' | 'rows', m: Measurement][] = [
    ['rto', 'ms', restoreRto(ctx.entries, restore, verifyMs)],
    ['rpo', 'ms', found?.rpo ?? unmeasured(why)],
    ['lost-writes', 'writes', found?.lost ?? unmeasured(why)],
  ];
  if (readback) rows.push(['phantom-rows', 'rows', { value: readback.ids.phantomTotal, why: `${readback.ids.phantomTotal} rows in the restored data were never sent`, from: [], evidence: { ids: readback.ids.phantoms.slice(0, 20) } }]);
  for (const [name, unit, m] of rows) await recordMeasurement(ctx, name, unit, m);
}

async function recordMeasurement(ctx: ObserverContext, name: MeasurementName, unit: 'ms' | 'writes' | 'rows', m: Measurement, fault?: string): Promise<void> {
  await ctx.journal.record({
    kind: 'measurement',
    name,
    ...(fault ? { fault } : {}),
    ...(m.value !== undefined ? { value: m.value } : {}),
    ...(m.notExercised ? { notExercised: true as const } : {}),
    unit,
    why: m.why,
    evidence: m.evidence,
    from: m.from.map(refOf),
  });
}

// The remote load driver's clock uncertainty against kdrill's, when its summary carries one.
export function clockUncertaintyOf(entries: readonly JournalEntry[]): number | undefined {
  const stop = entries.findLast((e) => e.kind === 'load-stop');
  return stop?.kind === 'load-stop' ? stop.summary.clock?.uncertaintyMs : undefined;
}

// A restore that gave nothing to check: restore-writable fails with the restore's error, every
// other verification could not judge, and the restore's figures are unmeasured.
async function judgeNothingRestored(ctx: ObserverContext, scenario: Scenario, restore: RestoreStep, why = `the restore gave no usable instance${restore.error ? `: ${restore.error}` : ''}`): Promise<void> {
  ctx.log(`verify: ${why}`);
  await runVerifications(ctx, scenario, async (spec) => (spec.verify === 'restore-writable' ? evidence('fail', why, { step: restore.step, error: restore.error ?? null }) : evidence('unknown', `nothing to check: ${why}`)));
  for (const name of ['rto', 'rpo', 'lost-writes'] as const) {
    await ctx.journal.record({ kind: 'measurement', name, unit: name === 'lost-writes' ? 'writes' : 'ms', why, from: [] });
  }
}

// What the verifiers are told of the restore they judge.
function findingsOf(restore: RestoreStep, instance: string, found: RestoreMeasurement | undefined): RestoreFindings {
  return {
    into: restore.into,
    instance,
    target: typeof restore.detail?.['target'] === 'string' ? restore.detail['target'] : 'latest',
    failureAt: found?.failureAt ?? restore.decidedAt,
    holes: found?.holes ?? { count: 0, ids: [] },
    overshoot: found?.overshoot ?? { count: 0, ids: [] },
    ...(found?.recoveryPointId !== undefined ? { recoveryPointId: found.recoveryPointId } : {}),
  };
}

type Spec = Scenario['verifications'][number];

// Runs each verification of the scenario in order and journals its evidence; a verifier that
// throws could not judge ('unknown').
async function runVerifications(ctx: ObserverContext, scenario: Scenario, answer: (spec: Spec) => Promise<Evidence>): Promise<void> {
  for (const spec of scenario.verifications) {
    let found: Evidence;
    try {
      found = await answer(spec);
    } catch (error) {
      found = evidence('unknown', `${spec.verify} could not run: ${(error as Error).message}`);
    }
    ctx.log(`verify ${spec.verify}: ${found.verdict}: ${found.summary}`);
    await ctx.journal.record({ kind: 'verification', verify: spec.verify, required: spec.required, verdict: found.verdict, summary: found.summary, ...(found.details ? { details: found.details } : {}) });
  }
}

const verifyWith = (contextFor: (spec: Spec) => VerifyContext) => (spec: Spec) => VERIFIERS_AVAILABLE[spec.verify].verify(contextFor(spec));

// The primary may still be settling after the last revert: retry for about a minute.
async function readBack(rw: DbTarget, sent: number, log: (line: string) => void, attempts = READBACK_ATTEMPTS): Promise<ReadbackResult | undefined> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const result = await readLedgerTable(rw, sent);
      if (!isReplica(result.server)) return result;
      log(`read-back reached a replica (${result.server}); retrying for the primary`);
    } catch (error) {
      log(`read-back attempt ${attempt} failed: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  return undefined;
}
