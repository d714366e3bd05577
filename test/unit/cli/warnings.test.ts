import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../harness/cli/exit-codes.js';
import { runCliInProcess, tempDir } from '../../helpers/cli.js';

// Validation warnings on the command line: printed once, as file:line:column: warning: …, by
// validate (stdout, and in --json), plan and run (stderr); the exit code does not change.

const LEDGER = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: cli-warn
tier:
  name: tier1
target:
  backend: fake
load:
  driver: ledger
steps:
  - fault: primary-crash
    duration: 50ms
  - wait: service-restored
    timeout: 5s
`;
const PGBENCH = LEDGER.replace('driver: ledger', 'driver: pgbench');

// `load.driver`'s value is on line 10, column 11.
const warningOf = (file: string) =>
  `${file}:10:11: warning: \`load.driver\` is "pgbench", which keeps no per-write ledger: this drill can measure RTO only from the write probe, ` +
  "to its interval's resolution (`steadyState.interval`, 500ms), and cannot measure RPO or lost writes, " +
  'so the tier1 target RPO ≤ 1h will be reported "not measured", which fails the drill; use `load.driver: ledger` to measure them';

const count = (text: string, part: string) => text.split(part).length - 1;

describe('validation warnings', () => {
  it('kdrill validate prints the warning after the ✓ line and still exits 0', async () => {
    await using dir = await tempDir();
    const file = await dir.write('pgbench.yaml', PGBENCH);
    const r = await runCliInProcess(['validate', file]);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stdout.split('\n')).toEqual([`✓ ${file}: cli-warn (fake, tier1, 2 steps)`, warningOf(file)]);
    expect(r.stderr).toBe('');
  });

  it('kdrill validate of several files counts the warnings in its summary', async () => {
    await using dir = await tempDir();
    const warned = await dir.write('pgbench.yaml', PGBENCH);
    const clean = await dir.write('ledger.yaml', LEDGER);
    const r = await runCliInProcess(['validate', warned, clean]);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stdout.split('\n')).toEqual([`✓ ${warned}: cli-warn (fake, tier1, 2 steps)`, warningOf(warned), `✓ ${clean}: cli-warn (fake, tier1, 2 steps)`, '2 scenarios valid, 1 warning']);
  });

  it('kdrill validate --json carries the warnings of each file', async () => {
    await using dir = await tempDir();
    const warned = await dir.write('pgbench.yaml', PGBENCH);
    const clean = await dir.write('ledger.yaml', LEDGER);
    const r = await runCliInProcess(['validate', '--json', warned, clean]);
    expect(r.code).toBe(ExitCode.passed);
    const json = JSON.parse(r.stdout) as { valid: boolean; files: { file: string; warnings: { line: number; column: number; path: string; message: string }[] }[] };
    expect(json.valid).toBe(true);
    expect(json.files.map((f) => [f.file, f.warnings.map((w) => `${f.file}:${w.line}:${w.column}: warning: ${w.message}`)])).toEqual([
      [warned, [warningOf(warned)]],
      [clean, []],
    ]);
    expect(json.files[0]!.warnings[0]!.path).toBe('load.driver');
  });

  it('kdrill plan prints the warning once on stderr, and --json stdout stays one JSON document', async () => {
    await using dir = await tempDir();
    const file = await dir.write('pgbench.yaml', PGBENCH);
    const text = await runCliInProcess(['plan', file]);
    expect(text.code).toBe(ExitCode.passed);
    expect(text.stderr).toBe(warningOf(file));
    expect(text.stdout).not.toContain('warning:');
    const json = await runCliInProcess(['plan', '--json', file]);
    expect(json.stderr).toBe(warningOf(file));
    expect(JSON.parse(json.stdout)).toMatchObject({ scenario: { name: 'cli-warn' } });
  });

  it('kdrill run --dry-run prints the warning once, on stderr', async () => {
    await using dir = await tempDir();
    const file = await dir.write('pgbench.yaml', PGBENCH);
    const r = await runCliInProcess(['run', file, '--dry-run']);
    expect(r.code).toBe(ExitCode.passed);
    expect(count(r.stderr, 'warning:')).toBe(1);
    expect(r.stderr).toContain(warningOf(file));
    expect(r.stdout).not.toContain('warning:');
  });

  it('says nothing for the ledger driver', async () => {
    await using dir = await tempDir();
    const file = await dir.write('ledger.yaml', LEDGER);
    const validate = await runCliInProcess(['validate', file]);
    const plan = await runCliInProcess(['plan', file]);
    expect(validate.stdout).not.toContain('warning:');
    expect(plan.stderr).toBe('');
  });
});
