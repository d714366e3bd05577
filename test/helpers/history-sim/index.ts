import type { JournalEntry } from '../../../harness/journal/entries.js';
import type { Ledger } from '../../../harness/load/ledger/ledger.js';
import { describeScript } from './describe.js';
import { runDriver, type WriteFacts } from './driver.js';
import { generate } from './generate.js';
import { buildLedger } from './ledger.js';
import { emitJournal } from './journal.js';
import { survival, type Survival } from './readback.js';
import type { Script } from './script.js';
import { computeTruth, type Truth } from './truth.js';
import { World } from './world.js';

// An independent ground truth for kdrill's measurements: a scripted history of a cluster
// under a ledger load, the journal and ledger a drill of it would record, the rows the final
// primary holds, and the true figures computed from the history itself. It never imports
// harness/measure or harness/assess.

export interface Simulation {
  readonly script: Script;
  readonly world: World;
  readonly entries: JournalEntry[];
  readonly ledger: Ledger;
  readonly facts: WriteFacts;
  readonly survival: Survival;
  readonly readback: Survival['readback'];
  readonly truth: Truth;
  readonly stoppedAt: number;
}

export function simulate(scriptOrSeed: Script | number): Simulation {
  const script = typeof scriptOrSeed === 'number' ? generate(scriptOrSeed) : scriptOrSeed;
  const world = new World(script);
  const run = runDriver(world, script);
  const surv = survival(world, run.facts);
  return {
    script,
    world,
    entries: emitJournal(script, run),
    ledger: buildLedger(run.facts),
    facts: run.facts,
    survival: surv,
    readback: surv.readback,
    truth: computeTruth(script, world, run.facts, surv),
    stoppedAt: run.stoppedAt,
  };
}

export { describeScript, generate };
export { rtoTolerance } from './truth.js';
export { OUTCOME } from './driver.js';
export type { Script, FaultScript, Effect } from './script.js';
export type { Truth, FaultTruth } from './truth.js';
export { compare, describeFinding, FIGURES, type Finding, type Figure, type MeasuredDrill } from './compare.js';

// A seed as printed by the property test or the bench: "123" (the quick histories of
// `npm test`) or "full:123" (the bench's).
export function scriptFor(spec: string): Script {
  const full = spec.startsWith('full:');
  const seed = Number(full ? spec.slice(5) : spec);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`Expected a seed like 123 or full:123, got \`${spec}\``);
  return generate(seed, { quick: !full });
}
