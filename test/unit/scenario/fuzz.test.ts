import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScenarioError, UsageError } from '../../../harness/common/errors.js';
import { parseScenario } from '../../../harness/scenario/load.js';
import { mulberry32, pick, randomInt } from '../../helpers/prng.js';

// Fuzz-style: mangled scenarios must give a result or a located ScenarioError (or a UsageError),
// never a TypeError from deep inside the loader, and never hang. Seeded, so a failure names
// the seed and iteration that reproduce it.

const SEED = 0x6b647231; // "kdr1"
const ITERATIONS = 2_000;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCENARIOS = join(ROOT, 'scenarios');
const shipped = readdirSync(SCENARIOS, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ file: join(SCENARIOS, f), text: readFileSync(join(SCENARIOS, f), 'utf8') }));

const KEYS = [
  'apiVersion', 'kind', 'metadata', 'name', 'tier', 'target', 'backend', 'steps', 'fault', 'wait', 'pause', 'action',
  'checkpoint', 'revert', 'at', 'duration', 'timeout', 'node', 'zone', 'zones', 'pod', 'from', 'into', 'pointInTime',
  'verify', 'probe', 'overrides', 'compliance', 'policy', 'topology', 'driver', 'rate', 'script', 'gameDay', 'report',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', '<<', '0', '-1', '""', "'x y'", '? complex', 'ü', '🙂',
];
const SCALARS = [
  '', '~', 'null', 'true', 'false', 'yes', 'no', '0', '-1', '1e309', '.nan', '-.inf', '0x1F', '0o17', '9007199254740993',
  'ninety', '5 minutes', '30', '0s', '-5s', 'PT', 'P1DT2H', '1h30m', 'max', 'primary', 'replica', 'a-1', 'd', 'zone-outtage',
  'node-crash', 'pod-kill', 'restore', 'point-in-time', 'before-fault', 'tier0', 'teir0', 'HIPAA', 'kind-kdrill', 'fake',
  'kubernetes', 'local', 'etcd3', 'loopback', 'mongodb', 'k6', '[]', '{}', '[a, a]', '[a, x, y]', '{a: 1}', '"quoted"',
  "'single'", '"unterminated', '[unclosed', '{unclosed', '*undefined-alias', '&anchor value', '!!binary aGVsbG8=',
  '!!js/function "function(){}"', '!custom-tag x', '|\n  block', '>\n  folded', '- item', '? key', '%YAML 1.1', '---', '...',
  '#comment', '\t', '\\', '\u0000', '\ufeff', 'a'.repeat(500), '/', '/etc', '../../../../etc/hostname', '2024-01-01T00:00:00Z',
];
const BYTES = [
  ...'abcxyz019 -_:#&*!|>%@`\'"{}[],?\n\n\t\r\\'.split(''), '\u0000', '\u0085', '\u2028', '\ufeff', 'é', '🙂', '---\n', '...\n',
];

type Random = () => number;
interface Input {
  readonly how: string;
  readonly file: string;
  readonly text: string;
}

function randomBytes(random: Random): Input {
  const length = randomInt(random, 300);
  let text = '';
  for (let i = 0; i < length; i++) text += pick(random, BYTES);
  return { how: 'random bytes', file: join(SCENARIOS, 'fuzz.yaml'), text };
}

function truncate(random: Random): Input {
  const { file, text } = pick(random, shipped);
  return { how: 'truncation', file, text: text.slice(0, randomInt(random, text.length + 1)) };
}

function mutateLines(random: Random): Input {
  const { file, text } = pick(random, shipped);
  const lines = text.split('\n');
  const edits = 1 + randomInt(random, 4);
  for (let e = 0; e < edits && lines.length > 0; e++) {
    const i = randomInt(random, lines.length);
    if (random() < 0.5) lines.splice(i, 1);
    else lines.splice(i, 0, lines[i]!);
  }
  return { how: 'line deletions/duplications', file, text: lines.join('\n') };
}

function renameKey(random: Random): Input {
  const { file, text } = pick(random, shipped);
  const lines = text.split('\n');
  const keyed = lines.map((line, i) => [line, i] as const).filter(([line]) => /^\s*(- )?[A-Za-z][\w-]*:/.test(line));
  const edits = 1 + randomInt(random, 3);
  for (let e = 0; e < edits; e++) {
    const [, i] = pick(random, keyed);
    lines[i] = lines[i]!.replace(/^(\s*(?:- )?)([A-Za-z][\w-]*)(:)/, (_, indent: string, key: string, colon: string) => {
      const choice = random();
      if (choice < 0.4) return indent + pick(random, KEYS) + colon;
      if (choice < 0.7) {
        const at = randomInt(random, key.length); // drop one letter
        return indent + key.slice(0, at) + key.slice(at + 1) + colon;
      }
      const at = randomInt(random, Math.max(1, key.length - 1)); // swap two letters
      return indent + key.slice(0, at) + (key[at + 1] ?? '') + (key[at] ?? '') + key.slice(at + 2) + colon;
    });
  }
  return { how: 'key renames', file, text: lines.join('\n') };
}

function replaceScalar(random: Random): Input {
  const { file, text } = pick(random, shipped);
  const lines = text.split('\n');
  const valued = lines.map((line, i) => [line, i] as const).filter(([line]) => /^\s*(- )?[A-Za-z][\w-]*: \S/.test(line));
  const edits = 1 + randomInt(random, 3);
  for (let e = 0; e < edits; e++) {
    const [, i] = pick(random, valued);
    lines[i] = lines[i]!.replace(/^(\s*(?:- )?[A-Za-z][\w-]*: ).*$/, (_, head: string) => head + pick(random, SCALARS));
  }
  return { how: 'scalar replacements', file, text: lines.join('\n') };
}

// Hostile growth: a section repeated many times, nesting piled onto a value, a second document,
// terminal escapes in a value. Each must still be answered (bounded by the loader's limits).
function amplify(random: Random): Input {
  const { file, text } = pick(random, shipped);
  const lines = text.split('\n');
  const i = randomInt(random, lines.length);
  const times = 1 + randomInt(random, 100);
  lines.splice(i, 0, ...Array.from({ length: times }, () => lines[i]!));
  return { how: `a line repeated ${times} times`, file, text: lines.join('\n') };
}

function nest(random: Random): Input {
  const { file, text } = pick(random, shipped);
  const depth = 1 + randomInt(random, 3_000);
  const [open, close] = pick(random, [['[', ']'], ['{a: ', '}'], ['{', '}']] as const);
  return { how: `nesting ${depth} deep`, file, text: `${text}\nextra: ${open.repeat(depth)}1${close.repeat(depth)}\n` };
}

function secondDocument(random: Random): Input {
  const a = pick(random, shipped);
  const b = pick(random, shipped);
  return { how: 'two documents', file: a.file, text: `${a.text}\n${pick(random, ['---', '...\n---', '--- !!map'])}\n${b.text}` };
}

function controlCharacters(random: Random): Input {
  const { file, text } = pick(random, shipped);
  const lines = text.split('\n');
  const valued = lines.map((line, i) => [line, i] as const).filter(([line]) => /^\s*(- )?[A-Za-z][\w-]*: \S/.test(line));
  const [, i] = pick(random, valued);
  const junk = pick(random, ['"\\e[2J"', '"a\\rPASSED"', '"x\\ny: 1"', '"\\u202e"', '"\\0"', '"\\a\\b"']);
  lines[i] = lines[i]!.replace(/^(\s*(?:- )?[A-Za-z][\w-]*: ).*$/, (_, head: string) => head + junk);
  return { how: 'control characters in a value', file, text: lines.join('\n') };
}

const GENERATORS = [randomBytes, truncate, mutateLines, renameKey, replaceScalar, amplify, nest, secondDocument, controlCharacters];

// What happened to one input: 'ok', or the kind of error it was rejected with.
// Plain checks, not expect(): this runs thousands of times.
function outcome(input: Input): string {
  try {
    parseScenario(input.text, input.file);
    return 'ok';
  } catch (error) {
    if (error instanceof ScenarioError) {
      if (error.issues.length === 0) throw new Error('a ScenarioError without issues');
      // The first hundred problems, then one that counts the rest.
      if (error.issues.length > 101) throw new Error(`${error.issues.length} problems reported, more than the limit`);
      for (const issue of error.issues) {
        const located = Number.isInteger(issue.line) && issue.line >= 1 && Number.isInteger(issue.column) && issue.column >= 1;
        if (!located || issue.message.trim() === '') throw new Error(`a badly located or empty issue: ${JSON.stringify(issue)}`);
      }
      return 'ScenarioError';
    }
    if (error instanceof UsageError) return 'UsageError';
    throw error;
  }
}

describe('scenario loader under fuzzing', () => {
  it('has shipped scenarios to mangle', () => {
    expect(shipped.length).toBeGreaterThan(0);
  });

  it(`answers ${ITERATIONS} mangled inputs with a result or a located ScenarioError`, () => {
    const random = mulberry32(SEED);
    const seen = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const input = pick(random, GENERATORS)(random);
      let result: string;
      try {
        result = outcome(input);
      } catch (error) {
        const where = `iteration ${i} (seed ${SEED}), ${input.how} of ${input.file}`;
        throw new Error(`${where}: ${(error as Error).stack ?? String(error)}\n--- input ---\n${input.text}`, { cause: error });
      }
      seen.set(result, (seen.get(result) ?? 0) + 1);
    }
    // The mutations must exercise both paths, or they test nothing.
    expect(seen.get('ScenarioError') ?? 0).toBeGreaterThan(ITERATIONS / 4);
    expect(seen.get('ok') ?? 0).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(25_000);
  }, 40_000);
});
