import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../harness/cli/exit-codes.js';
import { runCliInProcess, tempDir } from '../../helpers/cli.js';
import { failedRunEntries, j, makePlan, passedRunEntries } from '../report/journal-builder.js';

// `kdrill report` and `kdrill history` on damaged input: exit 2 and a message naming file:line,
// never exit 1 with "internal error"; `--out` never writes where it should not.

const lines = (...entries: unknown[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

async function runDirWith(root: string, name: string, journal: string | Buffer): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'journal.jsonl'), journal);
  return dir;
}

// Runs the CLI and checks an invalid-input exit whose first stderr line is `kdrill: <message>`.
async function invalid(args: string[]): Promise<string> {
  const r = await runCliInProcess(args);
  expect(r.code, r.stderr).toBe(ExitCode.invalidInput);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toContain('undefined');
  return r.stderr.split('\n')[0]!;
}

describe('kdrill report: a damaged journal is invalid input', () => {
  it('a missing run directory and a missing journal', async () => {
    await using tmp = await tempDir();
    const nope = path.join(tmp.path, 'nope');
    expect(await invalid(['report', nope])).toBe(`kdrill: ${nope}: Expected a run directory (one holding journal.jsonl), got no such directory`);
    await mkdir(path.join(tmp.path, 'run'));
    const journal = path.join(tmp.path, 'run', 'journal.jsonl');
    expect(await invalid(['report', path.join(tmp.path, 'run')])).toBe(`kdrill: ${journal}: Expected a run journal here, got no such file`);
  });

  it('an empty journal', async () => {
    await using tmp = await tempDir();
    const dir = await runDirWith(tmp.path, 'run', '');
    expect(await invalid(['report', dir])).toBe(`kdrill: ${dir}/journal.jsonl: Expected a run journal (one JSON entry per line, run-start first), got an empty file`);
  });

  it('a binary file', async () => {
    await using tmp = await tempDir();
    const dir = await runDirWith(tmp.path, 'run', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe, 0x0a]));
    expect(await invalid(['report', dir])).toBe(`kdrill: ${dir}/journal.jsonl:1: Expected line 1 to be UTF-8 text, got \`\\u007fELF\\u0002\\u0001\\u0001\\u0000\uFFFD\uFFFD\` (bytes that are not UTF-8)`);
  });

  it('/dev/zero as the journal finishes at once', async () => {
    await using tmp = await tempDir();
    await mkdir(path.join(tmp.path, 'run'));
    await symlink('/dev/zero', path.join(tmp.path, 'run', 'journal.jsonl'));
    const began = Date.now();
    expect(await invalid(['report', path.join(tmp.path, 'run')])).toBe(`kdrill: ${tmp.path}/run/journal.jsonl: Expected the run journal to be a regular file, got a character device`);
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it('a FIFO as the journal does not hang', async () => {
    await using tmp = await tempDir();
    await mkdir(path.join(tmp.path, 'run'));
    execFileSync('mkfifo', [path.join(tmp.path, 'run', 'journal.jsonl')]);
    const began = Date.now();
    expect(await invalid(['report', path.join(tmp.path, 'run')])).toBe(`kdrill: ${tmp.path}/run/journal.jsonl: Expected the run journal to be a regular file, got a FIFO`);
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it('a line over the 8 MiB limit', async () => {
    await using tmp = await tempDir();
    const dir = await runDirWith(tmp.path, 'run', `${lines(j.start(0, makePlan()))}${JSON.stringify({ kind: 'abort', at: 1, reason: 'x'.repeat(9 * 1024 * 1024) })}\n`);
    expect(await invalid(['report', dir])).toBe(`kdrill: ${dir}/journal.jsonl:2: Expected line 2 to be at most 8 MiB, got a longer line`);
  });

  it('a run-start without runId, and one without the scenario', async () => {
    await using tmp = await tempDir();
    const { runId: _, ...noRunId } = j.start(0, makePlan()) as { runId: string };
    const dir = await runDirWith(tmp.path, 'run', lines(noRunId, j.end(10, 'passed')));
    expect(await invalid(['report', dir])).toBe(`kdrill: ${dir}/journal.jsonl:1: run-start entry: Expected \`runId\` (required) to be a string, got nothing`);
    const { scenario: __, ...noScenario } = makePlan();
    const other = await runDirWith(tmp.path, 'other', lines(j.start(0, noScenario as never), j.end(10, 'passed')));
    expect(await invalid(['report', other])).toBe(`kdrill: ${other}/journal.jsonl:1: run-start entry: Expected \`plan.scenario\` (required) to be an object, got nothing`);
  });

  it('a corrupt line in the middle; a cut-short last line is only a warning', async () => {
    await using tmp = await tempDir();
    const entries = failedRunEntries();
    const dir = await runDirWith(tmp.path, 'run', `${lines(...entries.slice(0, 3))}{"kind": "step-inv\n${lines(...entries.slice(3))}`);
    expect(await invalid(['report', dir])).toMatch(new RegExp(`^kdrill: ${dir}/journal\\.jsonl:4: Expected line 4 to be a journal entry \\(a JSON object\\), got \`\\{"kind": "step-inv\` \\(not JSON: `));
    await writeFile(path.join(dir, 'journal.jsonl'), `${lines(...entries)}{"kind": "obs`);
    const r = await runCliInProcess(['report', dir]);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stderr).toBe(`${dir}/journal.jsonl:${entries.length + 1}: warning: the last line was cut short (the run died mid-write) and is left out: \`{"kind": "obs\``);
  });
});

describe('kdrill report --out', () => {
  async function runDir(root: string): Promise<string> {
    return runDirWith(root, 'run-1', lines(...passedRunEntries()));
  }

  it('refuses /etc and /proc/self, and writes nothing there', async () => {
    await using tmp = await tempDir();
    const dir = await runDir(tmp.path);
    expect(await invalid(['report', dir, '--out', '/etc'])).toBe('kdrill: --out /etc: Expected a directory of your own, got the system directory /etc');
    expect(await invalid(['report', dir, '--out', '/proc/self'])).toBe('kdrill: --out /proc/self: Expected a directory of your own, got a path inside the system directory /proc');
    expect(await invalid(['report', dir, '--out', '/proc/x'])).toBe('kdrill: --out /proc/x: Expected a directory of your own, got a path inside the system directory /proc');
    await expect(readFile('/etc/result.json')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an existing file', async () => {
    await using tmp = await tempDir();
    const dir = await runDir(tmp.path);
    const file = await tmp.write('notes.txt', 'mine');
    expect(await invalid(['report', dir, '--out', file])).toBe(`kdrill: --out ${file}: Expected a directory to write the reports in, got a regular file`);
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it("refuses another run's directory and leaves its files alone", async () => {
    await using tmp = await tempDir();
    const dir = await runDir(tmp.path);
    const other = await runDirWith(tmp.path, 'run-2', lines({ ...j.start(0, makePlan()), runId: 'run-2' }));
    await writeFile(path.join(other, 'result.json'), '{"result":{"runId":"run-2"}}');
    expect(await invalid(['report', dir, '--out', other])).toBe(`kdrill: --out ${other}: Expected a new or empty directory, or this run's own (${dir}), got the directory of another run (run run-2)`);
    expect(await readFile(path.join(other, 'result.json'), 'utf8')).toBe('{"result":{"runId":"run-2"}}');
  });

  it('refuses a non-empty unrelated directory', async () => {
    await using tmp = await tempDir();
    const dir = await runDir(tmp.path);
    const mine = path.join(tmp.path, 'mine');
    await mkdir(mine);
    await writeFile(path.join(mine, 'thesis.tex'), 'keep');
    expect(await invalid(['report', dir, '--out', mine])).toBe(`kdrill: --out ${mine}: Expected a new or empty directory, or this run's own (${dir}), got one holding other files (thesis.tex)`);
    expect(await readdir(mine)).toEqual(['thesis.tex']);
  });

  it('accepts an empty directory, a new path and the run directory itself', async () => {
    await using tmp = await tempDir();
    const dir = await runDir(tmp.path);
    const empty = path.join(tmp.path, 'empty');
    await mkdir(empty);
    for (const out of [empty, path.join(tmp.path, 'new', 'reports'), dir]) {
      const r = await runCliInProcess(['report', dir, '--format', 'json', 'markdown', '--out', out]);
      expect(r.code, r.stderr).toBe(ExitCode.passed);
      expect(r.stdout.split('\n')).toEqual([`json: ${out}/result.json`, `markdown: ${out}/summary.md`]);
      expect(JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8'))).toMatchObject({ result: { runId: 'run-1', status: 'passed' } });
    }
    // The run directory's report files were replaced; its journal is untouched.
    expect((await readdir(dir)).sort()).toEqual(['journal.jsonl', 'result.json', 'summary.md']);
    expect(await readFile(path.join(dir, 'journal.jsonl'), 'utf8')).toBe(lines(...passedRunEntries()));
    // Rendering into the same --out again is allowed: it holds only this run's reports.
    expect((await runCliInProcess(['report', dir, '--out', empty])).code).toBe(ExitCode.passed);
  });
});

describe('kdrill history: a damaged history is invalid input', () => {
  const record = { runId: 'r1', scenario: 's', tier: 'tier1', backend: 'fake', startedWall: '2026-01-01T00:00:00.000Z', durationMs: 1000, status: 'passed', runDir: 'reports/r1' };

  it('records that are a string, an array or a number', async () => {
    await using tmp = await tempDir();
    for (const [value, shown] of [['"run"', '`"run"` (string)'], ['["r1"]', '`["r1"]` (array)'], ['3', '`3` (number)']] as const) {
      const file = await tmp.write('history.jsonl', `${JSON.stringify(record)}\n${value}\n`);
      expect(await invalid(['history', '--reports', tmp.path])).toBe(`kdrill: ${file}:2: Expected a run record (a JSON object), got ${shown}`);
    }
  });

  it('a record missing a field', async () => {
    await using tmp = await tempDir();
    const { scenario: _, ...noScenario } = record;
    const file = await tmp.write('history.jsonl', `${JSON.stringify(noScenario)}\n`);
    expect(await invalid(['history', '--reports', tmp.path])).toBe(`kdrill: ${file}:1: run record: Expected \`scenario\` (required) to be a string, got nothing`);
  });

  it('shows good records, and warns of a cut-short last line', async () => {
    await using tmp = await tempDir();
    const file = await tmp.write('history.jsonl', `${JSON.stringify(record)}\n{"runId":"r2`);
    const r = await runCliInProcess(['history', '--reports', tmp.path]);
    expect(r.code).toBe(ExitCode.passed);
    expect(r.stdout).toContain('s (tier1, fake): 1 run');
    expect(r.stderr).toBe(`${file}:2: warning: the last line was cut short (a run died while appending it) and is left out`);
  });
});
