import type { Endpoints } from '../backends/types.js';
import type { DbTarget } from '../db/target.js';
import type { ObserverContext } from '../engine/run.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { ReadbackResult } from '../verify/ledger-readback/read.js';
import { readLedgerTable } from '../verify/ledger-readback/read.js';
import { VERIFIERS_AVAILABLE } from '../verify/api.js';
import { evidence, type Evidence } from '../verify/types.js';
import { measureRun, refOf } from './measurements.js';

const READBACK_ATTEMPTS = 12;
const VERIFY_TIMEOUT_MS = 60_000;

// After the load stopped: reads the ledger table back once, journals every measurement, then
// runs each verification of the scenario in order and journals its evidence.
export async function judgeRun(ctx: ObserverContext, scenario: Scenario, rw: DbTarget, endpoints: Endpoints, prepared: ReadonlyMap<string, unknown>): Promise<void> {
  const ledger = ctx.load?.ledger;
  const readback = ledger ? await readBack(rw, ledger.size, ctx.log) : undefined;
  if (readback) ctx.log(`read back ${readback.ids.rows} ledger rows from ${readback.server} in ${Math.round(readback.durationMs)} ms`);
  for (const m of measureRun(ctx.entries, ledger, readback?.ids, scenario.steadyState)) {
    const { value, why, evidence: facts, from } = m.measurement;
    await ctx.journal.record({ kind: 'measurement', name: m.name, ...(value !== undefined ? { value } : {}), unit: m.unit, why, evidence: facts, from: from.map(refOf) });
  }
  for (const spec of scenario.verifications) {
    const verifier = VERIFIERS_AVAILABLE[spec.verify];
    let found: Evidence;
    if (!verifier) {
      found = evidence('unknown', `${spec.verify} judges backups and restores, which this version does not run yet`);
    } else {
      try {
        found = await verifier.verify({ target: rw, endpoints, ...(ledger ? { ledger } : {}), ...(readback ? { readback } : {}), prepared: prepared.get(spec.verify), timeoutMs: VERIFY_TIMEOUT_MS, log: ctx.log });
      } catch (error) {
        found = evidence('unknown', `${spec.verify} could not run: ${(error as Error).message}`);
      }
    }
    ctx.log(`verify ${spec.verify}: ${found.verdict}: ${found.summary}`);
    await ctx.journal.record({ kind: 'verification', verify: spec.verify, required: spec.required, verdict: found.verdict, summary: found.summary, ...(found.details ? { details: found.details } : {}) });
  }
}

// The primary may still be settling after the last revert: retry for about a minute.
async function readBack(rw: DbTarget, sent: number, log: (line: string) => void): Promise<ReadbackResult | undefined> {
  for (let attempt = 1; attempt <= READBACK_ATTEMPTS; attempt++) {
    try {
      const result = await readLedgerTable(rw, sent);
      if (!result.server.includes('replica')) return result;
      log(`read-back reached a replica (${result.server}); retrying for the primary`);
    } catch (error) {
      log(`read-back attempt ${attempt} failed: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  return undefined;
}
