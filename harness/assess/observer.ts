import type { Endpoints } from '../model/endpoints.js';
import { ErrorCode, KdrillError } from '../common/errors.js';
import { dbTargetOf, describeTarget, ensureDatabase, type DbTarget } from '../db/target.js';
import type { DrillObserver, ObserverContext } from '../engine/run.js';
import { faultWindows, measureDrill } from '../measure/index.js';
import { startMonitor, type RunningMonitor } from '../probes/monitor.js';
import { checkSteadyState } from '../probes/steady-state.js';
import type { ProbeContext, ProbeName } from '../probes/types.js';
import type { Scenario } from '../scenario/schema/index.js';
import { VERIFIERS_AVAILABLE } from '../verify/api.js';
import { watchDataLoss, watchErrorRate, type RunningWatch } from './abort-conditions.js';
import { judgeRun } from './judge.js';
import { drillOptions } from './measurements.js';

// The probes the monitor runs through the whole drill; their transitions are journalled.
const MONITORED: readonly ProbeName[] = ['write-availability', 'leader', 'redundancy'];
const PROBE_TIMEOUT_MS = 2_000;
const DEFAULT_RECOVERY_WAIT_MS = 120_000;

interface Database {
  readonly endpoints: Endpoints;
  readonly rw: DbTarget;
  readonly probes: ProbeContext;
}

/**
 * The scenario's steady state, abort conditions, measurement and verification around a drill.
 * A backend without a database endpoint (the in-memory fake) gets none of them: nothing is
 * measured, so reports say "not measured".
 */
export function scenarioObserver(scenario: Scenario): DrillObserver {
  const { steadyState } = scenario;
  const prepared = new Map<string, unknown>();
  const running: (RunningMonitor | RunningWatch)[] = [];
  let database: Database | undefined;
  let stopped = false;

  const databaseOf = async (ctx: ObserverContext): Promise<Database | undefined> => {
    if (database) return database;
    const endpoints = await ctx.connected.endpoints();
    const endpoint = dbTargetOf(endpoints);
    if (!endpoint) return undefined;
    const rw = await ensureDatabase(endpoint, scenario.workload.database).catch((error: unknown) => {
      throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `the workload database ${scenario.workload.database} could not be prepared through ${describeTarget(endpoint)}: ${(error as Error).message}`);
    });
    const ro = dbTargetOf(endpoints, 'readOnly');
    database = { endpoints, rw, probes: { connected: ctx.connected, readWrite: rw, readOnly: ro && { ...ro, database: rw.database }, timeoutMs: PROBE_TIMEOUT_MS } };
    return database;
  };

  const stopAll = async (): Promise<void> => {
    stopped = true;
    await Promise.all(running.splice(0).map((r) => r.stop()));
  };

  return {
    async prepare(ctx) {
      const db = await databaseOf(ctx);
      if (!db) return;
      for (const spec of scenario.verifications) {
        const verifier = VERIFIERS_AVAILABLE[spec.verify];
        if (!verifier?.prepare || prepared.has(spec.verify)) continue;
        const detail = await verifier.prepare({ target: db.rw, seedRows: scenario.workload.seed.rows, log: ctx.log });
        prepared.set(spec.verify, detail);
        await ctx.journal.record({ kind: 'prepared', verify: spec.verify, detail });
      }
    },

    async beforeSteps(ctx) {
      const db = await databaseOf(ctx);
      if (!db) {
        if (steadyState.before.length || steadyState.after.length) ctx.log('steady state not checked: the backend has no database endpoint');
        return;
      }
      if (steadyState.before.length) {
        ctx.log(`checking the steady state before the first fault (${steadyState.before.map((c) => c.probe).join(', ')})`);
        const checks = await checkSteadyState(steadyState.before, db.probes, steadyState.interval, ctx.signal);
        const held = checks.every((c) => c.held);
        await ctx.journal.record({ kind: 'steady-state', when: 'before', held, checks });
        if (!held) {
          const failed = checks.filter((c) => !c.held).map((c) => `${c.probe}: ${c.detail}`);
          throw new KdrillError(ErrorCode.STEP_FAILED, `the steady state did not hold before the first fault, so no fault was injected: ${failed.join('; ')}`);
        }
      }
      if (stopped) return;
      running.push(
        startMonitor(MONITORED, db.probes, steadyState.interval, ({ probe, reading }) =>
          ctx.journal.record({ kind: 'observation', probe, ok: reading.ok, value: { detail: reading.detail, ...(reading.value ?? {}) } }),
        ),
      );
      const load = ctx.load;
      if (scenario.abort.errorRate && load) running.push(watchErrorRate(scenario.abort.errorRate, load.running, ctx.abort));
      if (scenario.abort.dataLoss && load?.ledger) running.push(watchDataLoss(db.rw, load.ledger, () => ctx.clock.now(), ctx.abort, ctx.log));
    },

    async afterReverts(ctx) {
      const db = await databaseOf(ctx);
      if (!db) return;
      const waitMs = Math.max(DEFAULT_RECOVERY_WAIT_MS, ...steadyState.after.map((c) => c.within));
      await waitForServiceRestored(ctx, scenario, waitMs);
      if (steadyState.after.length) {
        ctx.log(`checking the steady state after the drill (${steadyState.after.map((c) => c.probe).join(', ')})`);
        const checks = await checkSteadyState(steadyState.after, db.probes, steadyState.interval);
        await ctx.journal.record({ kind: 'steady-state', when: 'after', held: checks.every((c) => c.held), checks });
      }
    },

    stop: stopAll,

    async judge(ctx) {
      const db = await databaseOf(ctx);
      if (!db) return;
      // Asked again: a restore step may have added instances since the drill began.
      await judgeRun(ctx, scenario, db.rw, await ctx.connected.endpoints(), prepared);
    },
  };
}

// The RTO needs the load to run until writes have been stable for the stability window after
// the last fault's disruption; waits for that (bounded), so a drill that ends right after a
// revert still measures its recovery. A fault no client noticed needs only the window itself.
async function waitForServiceRestored(ctx: ObserverContext, scenario: Scenario, waitMs: number): Promise<void> {
  const ledger = ctx.load?.ledger;
  if (!ledger || faultWindows(ctx.entries).length === 0) return;
  const options = drillOptions(scenario);
  const deadline = performance.now() + waitMs;
  let said = false;
  while (performance.now() < deadline) {
    const last = measureDrill(ctx.entries, ledger, undefined, options).windows.at(-1);
    if (!last?.awaiting) return;
    if (!said) ctx.log('waiting for writes to be stable again before stopping the load');
    said = true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  ctx.log(`writes were not stable within ${Math.round(waitMs / 1000)} s of the last revert: the RTO will be reported as not measured`);
}
