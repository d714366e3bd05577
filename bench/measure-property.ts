// kdrill's measurements against the history simulator's ground truth, over many random
// histories (the full-length ones: longer outages, late injectors up to 90 s, higher rates
// than `npm test`'s). For each figure: how many histories it was compared in, how many were
// outside tolerance, and the max and p99 of the absolute error (ms for RTO and RPO, writes
// for counts; for RPO, how far the truth lay outside kdrill's interval). No cluster: pure
// computation, so it runs anywhere.
// Usage: npx tsx bench/measure-property.ts [count=50000] [first seed=1]
import { measureDrill } from '../harness/measure/index.js';
import { compare, describeFinding, describeScript, FIGURES, scriptFor, simulate, type Figure } from '../test/helpers/history-sim/index.js';

const count = Number(process.argv[2] ?? 50_000);
const first = Number(process.argv[3] ?? 1);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(first) || first < 0) {
  console.error(`Expected: npx tsx bench/measure-property.ts [count] [first seed], got \`${process.argv.slice(2).join(' ')}\``);
  process.exit(2);
}

interface Tally {
  compared: number;
  outside: number;
  errors: number[]; // absolute, finite
  unmeasured: number; // kdrill gave no number where the truth has one
  seeds: string[]; // the first few outside tolerance
}
const tallies = new Map<Figure, Tally>(FIGURES.map((f) => [f, { compared: 0, outside: 0, errors: [], unmeasured: 0, seeds: [] }]));
const examples: string[] = [];
let failedHistories = 0;
let writes = 0;
const started = performance.now();

for (let seed = first; seed < first + count; seed++) {
  const spec = `full:${seed}`;
  const sim = simulate(scriptFor(spec));
  writes += sim.facts.sentAt.length;
  const s = sim.script;
  const m = measureDrill(sim.entries, sim.ledger, sim.readback, { stabilityWindowMs: s.stabilityWindowMs, load: { rate: s.load.rate, concurrency: s.load.concurrency } });
  const findings = compare(sim, m);
  for (const f of findings) {
    const t = tallies.get(f.figure)!;
    t.compared++;
    if (Number.isFinite(f.error)) t.errors.push(Math.abs(f.error));
    else t.unmeasured++;
    if (!f.ok) {
      t.outside++;
      if (t.seeds.length < 5) t.seeds.push(spec);
    }
  }
  const wrong = findings.filter((f) => !f.ok);
  if (wrong.length) {
    failedHistories++;
    if (examples.length < 3) examples.push([`KDRILL_SIM_SEED=${spec}`, describeScript(s), ...wrong.map((f) => `  ✗ ${describeFinding(f)}`)].join('\n'));
  }
  if ((seed - first + 1) % 5000 === 0) console.error(`… ${seed - first + 1} histories, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const seconds = (performance.now() - started) / 1000;
const pct = (xs: number[], p: number): number => {
  if (!xs.length) return 0;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
};
const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`${count} histories (seeds full:${first}…full:${first + count - 1}), ${writes.toLocaleString('en')} writes, ${seconds.toFixed(1)} s; ${failedHistories} with a figure outside tolerance\n`);
console.log(['figure'.padEnd(24), 'compared'.padStart(9), 'outside'.padStart(8), 'no value'.padStart(9), 'max err'.padStart(9), 'p99 err'.padStart(9), '  first seeds outside'].join(''));
for (const [figure, t] of tallies) {
  console.log([figure.padEnd(24), String(t.compared).padStart(9), String(t.outside).padStart(8), String(t.unmeasured).padStart(9), fmt(t.errors.reduce((a, b) => Math.max(a, b), 0)).padStart(9), fmt(pct(t.errors, 0.99)).padStart(9), `  ${t.seeds.join(' ')}`].join(''));
}
if (examples.length) console.log(`\nThe first histories that disagree (rerun one: KDRILL_SIM_SEED=<seed> npx vitest run test/unit/measure/property.test.ts):\n\n${examples.join('\n\n')}`);
