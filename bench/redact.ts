// How fast redaction is: kdrill's linear scanner (harness/common/redact.ts) against the
// regular expressions it replaced, in the same run, on lines of a size the old ones still
// finish (20 KB): a progress line with secrets in it, JSON, and the adversarial lines that made
// the old ones quadratic (a long run of letters: their URL scheme pattern tried every start).
// Then the scanner alone on a few MB of each. No cluster: pure computation.
// Usage: npx tsx bench/redact.ts [line KB=20] [large MB=4]
import { redactText } from '../harness/common/redact.js';

const numbers = process.argv.slice(2).map(Number);
const lineBytes = (numbers[0] ?? 20) * 1000;
const largeBytes = (numbers[1] ?? 4) * 1_000_000;
if (!(lineBytes > 0) || !(largeBytes > 0)) {
  console.error(`Expected: npx tsx bench/redact.ts [line KB] [large MB], got \`${process.argv.slice(2).join(' ')}\``);
  process.exit(2);
}

// The peer: redact.ts before issue 15, verbatim.
const OLD_URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s]+):([^@/\s]+)@/gi;
const OLD_KEY_VALUE = /\b(\w*(?:password|passwd|pwd|secret|token|api[-_]?key))(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&)\]}"'<>]+)/gi;
const oldRedactText = (text: string): string => text.replace(OLD_URL_CREDENTIALS, '$1:[redacted]@').replace(OLD_KEY_VALUE, '$1$2[redacted]');

const repeatTo = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const INPUTS: readonly [name: string, unit: string][] = [
  ['progress line', '[  12.3s] s2 wait for new leader: postgres://kdrill:hunter2@198.18.0.11:5432/kdrill PGPASSWORD=hunter2 rejected; '],
  ['JSON', '{"kind":"step-complete","at":1700,"step":"s2","detail":{"password":"a\\"b","api_key":"k","note":"token=x"}},'],
  ['letters', 'a'],
  ['"password" repeated', 'password'],
  ['"=:" repeated', '=:'],
  ['"x://" repeated', 'x://'],
];

// MB/s over enough repetitions to take about `budgetMs`, after one warm-up call.
function rate(redact: (text: string) => string, text: string, budgetMs = 300): number {
  redact(text);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    redact(text);
    runs++;
  }
  const seconds = (performance.now() - start) / 1000;
  return (text.length * runs) / 1e6 / seconds;
}

const fmt = (mbs: number): string => (mbs >= 100 ? mbs.toFixed(0) : mbs >= 1 ? mbs.toFixed(1) : mbs.toPrecision(2));
const sameOutput = (text: string): string => (redactText(text) === oldRedactText(text) ? 'same' : 'differs');

console.log(`lines of ${(lineBytes / 1000).toFixed(0)} KB: scanner vs the old regular expressions (MB/s)\n`);
console.log(['input'.padEnd(22), 'scanner'.padStart(10), 'old regex'.padStart(11), 'ratio'.padStart(9), '  output'].join(''));
for (const [name, unit] of INPUTS) {
  const text = repeatTo(unit, lineBytes);
  const now = rate(redactText, text);
  const old = rate(oldRedactText, text);
  console.log([name.padEnd(22), fmt(now).padStart(10), fmt(old).padStart(11), `${fmt(now / old)}×`.padStart(9), `  ${sameOutput(text)}`].join(''));
}

console.log(`\n${(largeBytes / 1e6).toFixed(0)} MB lines, the scanner alone (the old expressions would take hours on the letters)\n`);
for (const [name, unit] of INPUTS) {
  const text = repeatTo(unit, largeBytes);
  const start = performance.now();
  redactText(text);
  const ms = performance.now() - start;
  console.log(`${name.padEnd(22)}${ms.toFixed(0).padStart(7)} ms  ${fmt(text.length / 1e6 / (ms / 1000)).padStart(6)} MB/s`);
}
