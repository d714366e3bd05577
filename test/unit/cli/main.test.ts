import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_MEANINGS, ExitCode } from '../../../harness/cli/exit-codes.js';
import { scenarioJsonSchema } from '../../../harness/scenario/index.js';
import { REPO_ROOT, runCliInProcess, tempDir } from '../../helpers/cli.js';

const VALID = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: cli-check
tier:
  name: tier1
target:
  backend: fake
steps:
  - fault: primary-crash
    name: crash
    duration: 50ms
  - wait: service-restored
    timeout: 5s
`;

describe('kdrill validate', () => {
  it('exits 0 and names the scenario when the file is valid', async () => {
    await using dir = await tempDir();
    const file = await dir.write('ok.yaml', VALID);
    const r = await runCliInProcess(['validate', file]);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stdout).toContain('cli-check (fake, tier1, 2 steps)');
  });

  it('exits 2 and prints every error of a broken file, each with file:line:column', async () => {
    await using dir = await tempDir();
    const file = await dir.write('broken.yaml', VALID.replace('name: tier1', 'name: tier9').replace('duration: 50ms', 'duration: fifty').replace('  name: cli-check', '  name: cli-check\n  ownr: me'));
    const r = await runCliInProcess(['validate', file]);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stdout.split('\n')).toEqual([
      `${file}:5:3: Unknown key \`metadata.ownr\`; did you mean \`owner\`? Expected one of: name, description, cadence, owner, tags.`,
      `${file}:7:9: Expected \`tier.name\` to be one of "tier0", "tier1", "tier2", got \`"tier9"\` (string)`,
      `${file}:13:15: Expected \`steps[0].duration\` to be a duration greater than zero, like "500ms", "90s", "15m", "1h" or ISO 8601 "PT5M", got \`"fifty"\` (string)`,
      '1 of 1 scenario invalid, 3 problems',
    ]);
  });

  it('reports a missing file as invalid input, not a crash', async () => {
    const r = await runCliInProcess(['validate', '/nonexistent/kdrill.yaml']);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stdout).toContain('Cannot read the scenario file /nonexistent/kdrill.yaml: no such file');
  });

  it('prints JSON with --json', async () => {
    await using dir = await tempDir();
    const file = await dir.write('ok.yaml', VALID);
    const r = await runCliInProcess(['validate', '--json', file]);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, files: [{ file, valid: true, issues: [] }] });
  });
});

describe('kdrill plan', () => {
  it('prints the timeline, what is touched and what is judged, and touches nothing', async () => {
    await using dir = await tempDir();
    const file = await dir.write('ok.yaml', VALID);
    const r = await runCliInProcess(['plan', file]);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stdout).toContain('Timeline (T = end of warm-up)');
    expect(r.stdout).toMatch(/T\+0s\s+s1\s+\[crash\] primary-crash/);
    expect(r.stdout).toContain('revert s1 (primary-crash) after 50ms');
    expect(r.stdout).toContain('RTO ≤ 4h');
    expect(r.stdout).toContain('RPO ≤ 1h');
  });

  it('refuses an invalid scenario with exit 2 before planning', async () => {
    await using dir = await tempDir();
    const file = await dir.write('bad.yaml', VALID.replace('backend: fake', 'backend: local').replace('primary-crash', 'pod-kill'));
    const r = await runCliInProcess(['plan', file]);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stderr).toContain('Fault `pod-kill` at `steps[0].fault` is not supported by the local backend');
  });
});

describe('kdrill run --dry-run', () => {
  it('prints the plan and creates no run directory', async () => {
    await using dir = await tempDir();
    const file = await dir.write('ok.yaml', VALID);
    const out = path.join(dir.path, 'run');
    const r = await runCliInProcess(['run', file, '--dry-run', '--out', out]);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stdout).toContain('--dry-run: nothing was created or touched.');
    await expect(readFile(path.join(out, 'journal.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});

describe('kdrill run on a backend that cannot run here', () => {
  it('says what is missing and creates no run directory', async () => {
    await using dir = await tempDir();
    const k8s = `backend: kubernetes\n  context: kind-kdrill\n  namespace: kdrill-pg\n  allowedContexts: [kind-kdrill]\n  allowedNamespaces: [kdrill-pg]`;
    const file = await dir.write('k8s.yaml', VALID.replace('backend: fake', k8s));
    const out = path.join(dir.path, 'run');
    const r = await runCliInProcess(['--kubeconfig', path.join(dir.path, 'no-kubeconfig'), 'run', file, '--out', out]);
    expect(r.code).toBe(ExitCode.harnessError);
    expect(r.stderr).toContain(`the kubeconfig ${path.join(dir.path, 'no-kubeconfig')} could not be read`);
    await expect(readFile(path.join(out, 'journal.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});

describe('help and usage', () => {
  for (const command of ['validate', 'plan', 'run', 'report', 'cleanup', 'cluster', 'doctor', 'schema']) {
    it(`kdrill ${command} --help exits 0`, async () => {
      const r = await runCliInProcess([command, '--help']);
      expect(r.code).toBe(ExitCode.passed);
      expect(r.stdout).toContain(`Usage: kdrill ${command}`);
    });
  }

  it('an unknown command is invalid input', async () => {
    const r = await runCliInProcess(['explode']);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stderr).toContain("unknown command 'explode'");
  });

  it('kdrill --help lists the exit codes', async () => {
    const r = await runCliInProcess(['--help']);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stdout).toContain('7  cleanup incomplete');
  });

  it('cluster up --backend kind names every program it is missing, and touches nothing', async () => {
    await using dir = await tempDir();
    const path = process.env.PATH;
    process.env.PATH = dir.path; // no kind, docker or helm, even on a machine that has them
    try {
      const r = await runCliInProcess(['cluster', 'up', '--backend', 'kind']);
      expect(r.code).toBe(ExitCode.harnessError);
      expect(r.stderr).toContain('kdrill cluster up --backend kind needs kind, docker, helm');
      expect(r.stderr).toContain('kind: `kind version` is not installed');
    } finally {
      process.env.PATH = path;
    }
  });

  it('the exit-code table has one meaning for each of the codes 0 to 7', () => {
    expect(Object.keys(EXIT_CODE_MEANINGS).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Object.values(ExitCode).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('schema/scenario.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (run `npm run schema` after changing it)', async () => {
    const committed = JSON.parse(await readFile(path.join(REPO_ROOT, 'schema/scenario.schema.json'), 'utf8'));
    expect(committed).toEqual(scenarioJsonSchema());
  });

  it('forbids unknown top-level keys for editors too', () => {
    const schema = scenarioJsonSchema() as { additionalProperties?: unknown; required?: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'tier', 'target', 'steps']));
  });
});
