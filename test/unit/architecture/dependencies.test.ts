import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// harness/'s import graph against the rules of .dependency-cruiser.cjs (no cycles, the
// bottom layers importing nothing above them, test scaffolding out of the product), as
// dependency-cruiser draws it from the code, type-only imports included.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const config = join(repo, '.dependency-cruiser.cjs');
const depcruise = join(repo, 'node_modules/.bin/depcruise');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
  readonly cycle?: readonly { readonly name: string }[];
}
interface Cruise {
  readonly summary: { readonly violations: readonly Violation[]; readonly totalCruised: number; readonly totalDependenciesCruised: number };
}

function cruise(cwd: string): Cruise {
  const run = spawnSync(depcruise, ['harness', '--config', config, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  if (run.error) throw run.error;
  if (!run.stdout.startsWith('{')) throw new Error(`depcruise exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Cruise;
}

// Each violation as a reader needs it: the rule and the path (a cycle's every file, in order).
const described = (v: Violation): string => `${v.rule.name}: ${v.from} → ${v.cycle?.length ? v.cycle.map((c) => c.name).join(' → ') : v.to}`;

describe('harness/ dependency rules', () => {
  it('hold for the code as it is', { timeout: 90_000 }, () => {
    const result = cruise(repo);
    // A cruise that found nothing would pass anything.
    expect(result.summary.totalCruised).toBeGreaterThan(300);
    expect(result.summary.totalDependenciesCruised).toBeGreaterThan(1_000);
    expect(result.summary.violations.map(described)).toEqual([]);
  });

  describe('fail on a tree that breaks them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kdrill-deps-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    file('package.json', JSON.stringify({ type: 'module' }));
    // engine → measure → engine, through a type import (measure also reaching up a layer); model
    // reaching up into engine;
    // the product importing the test scaffolding.
    file('harness/engine/run.ts', "import { windows } from '../measure/windows.js';\nexport const run = () => windows();\n");
    file('harness/measure/windows.ts', "import type { Entry } from '../engine/journal.js';\nexport const windows = (e: Entry[] = []) => e.length;\n");
    file('harness/engine/journal.ts', "import type { MonoTime } from '../model/time.js';\nimport { run } from './run.js';\nexport interface Entry { at: MonoTime }\nexport const again = run;\n");
    file('harness/model/time.ts', "import type { Entry } from '../engine/journal.js';\nexport type MonoTime = number;\nexport type Stamped = Entry;\n");
    file('harness/backends/fake.ts', "import { FakeClock } from '../testing/fake-clock.js';\nexport const clock = new FakeClock();\n");
    file('harness/testing/fake-clock.ts', 'export class FakeClock {}\n');
    // A folder that has no place in the layers.
    file('harness/misc/helpers.ts', "import type { MonoTime } from '../model/time.js';\nexport const zero: MonoTime = 0;\n");

    it('names the cycle with every file on its path', { timeout: 90_000 }, () => {
      const found = cruise(dir).summary.violations.map(described);
      expect(found).toContain('no-cycles: harness/engine/journal.ts → harness/engine/run.ts → harness/measure/windows.ts → harness/engine/journal.ts');
      expect(found).toContain('model-imports-nothing: harness/model/time.ts → harness/engine/journal.ts');
      expect(found).toContain('layer-measure: harness/measure/windows.ts → harness/engine/journal.ts');
      expect(found).toContain('harness-folders-are-layered: harness/misc/helpers.ts → harness/model/time.ts');
      expect(found).toContain('product-without-test-scaffolding: harness/backends/fake.ts → harness/testing/fake-clock.ts');
    });
  });
});
