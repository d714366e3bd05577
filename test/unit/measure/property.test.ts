import { describe, expect, it } from 'vitest';
import { measureDrill } from '../../../harness/measure/index.js';
import { compare, describeFinding, describeScript, scriptFor, simulate, type Finding, type Simulation } from '../../helpers/history-sim/index.js';

// kdrill's measurements against an independent ground truth: thousands of seeded random
// histories (test/helpers/history-sim), each measured by measureDrill from the journal,
// ledger and read-back the simulated drill recorded, and compared with what the history
// says really happened. Tolerances: see compare.ts and truth.ts (rtoTolerance).
//
// Rerun one history: KDRILL_SIM_SEED=123 npx vitest run test/unit/measure/property.test.ts
// (KDRILL_SIM_SEED=full:123 for a full-length one). KDRILL_SIM_COUNT sets how many quick ones
// (default 2000, plus a quarter as many full-length ones).

// The quick histories (shorter waits), then some of the bench's full-length ones.
const COUNT = Number(process.env.KDRILL_SIM_COUNT ?? 2000);
const FULL_COUNT = Math.round(COUNT / 4);
const SPECS = [...Array.from({ length: COUNT }, (_, i) => String(i + 1)), ...Array.from({ length: FULL_COUNT }, (_, i) => `full:${i + 1}`)];
const ONE = process.env.KDRILL_SIM_SEED;
const CHUNKS = 8; // each test a slice of the seeds, under the per-test timeout

function measure(sim: Simulation): Finding[] {
  const s = sim.script;
  const m = measureDrill(sim.entries, sim.ledger, sim.readback, { stabilityWindowMs: s.stabilityWindowMs, load: { rate: s.load.rate, concurrency: s.load.concurrency } });
  return compare(sim, m);
}

function report(spec: string, sim: Simulation, wrong: readonly Finding[]): string {
  return [`KDRILL_SIM_SEED=${spec}`, describeScript(sim.script), ...wrong.map((f) => `  ✗ ${describeFinding(f)}`)].join('\n');
}

describe('kdrill measures what really happened (history simulator)', () => {
  if (ONE) {
    it(`history ${ONE}`, () => {
      const sim = simulate(scriptFor(ONE));
      const findings = measure(sim);
      console.log([describeScript(sim.script), ...findings.map((f) => `  ${f.ok ? '✓' : '✗'} ${describeFinding(f)}`)].join('\n'));
      expect(findings.filter((f) => !f.ok).map(describeFinding)).toEqual([]);
    });
    return;
  }
  it.each(Array.from({ length: CHUNKS }, (_, i) => i))(`random histories, part %i of ${CHUNKS}`, (part) => {
    const failures: string[] = [];
    let failed = 0;
    for (const spec of SPECS.filter((_, i) => i % CHUNKS === part)) {
      const sim = simulate(scriptFor(spec));
      const wrong = measure(sim).filter((f) => !f.ok);
      if (wrong.length === 0) continue;
      failed++;
      if (failures.length < 5) failures.push(report(spec, sim, wrong));
    }
    expect(failed, `${failed} histories disagree; the first:\n\n${failures.join('\n\n')}`).toBe(0);
  });
});
