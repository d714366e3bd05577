import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, FileEntry, HostileCase } from './cases/types.js';
import { runTraced, tracingUnavailable } from './traced-cli.js';

// The hostile catalogue: each input is given to the built CLI's `validate`, `plan` and
// `run --dry-run` as a real process under strace. Each must answer within 2 s of CPU and
// 200 MB with the expected exit code and location, and start no program, open no connection
// and write no file (the kernel's record, not kdrill's own).
//
// The 2 s are CPU time (user + system, from GNU time): on a 2-core machine running other test
// files beside this one, wall time measures the neighbours. A run that blocks (a FIFO read)
// uses no CPU, so wall time is bounded too, more loosely.
const LIMIT_CPU_MS = 2_000;
const LIMIT_WALL_MS = 8_000;
const LIMIT_MB = 200;
// A run that hangs is killed here, well past the limit, so the failure says how long it took.
const KILL_MS = 15_000;

const unavailable = tracingUnavailable();

const ARGV: Record<Command, (file: string) => string[]> = {
  validate: (file) => ['validate', file],
  plan: (file) => ['plan', file],
  'dry-run': (file) => ['run', file, '--dry-run'],
};

function place(dir: string, outside: string, name: string, entry: FileEntry): void {
  const file = name.startsWith('<outside>/') ? path.join(outside, name.slice('<outside>/'.length)) : path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  if (typeof entry === 'string') writeFileSync(file, substitute(entry, dir, outside));
  else if ('fifo' in entry) execFileSync('mkfifo', [file]);
  else if ('symlink' in entry) symlinkSync(entry.symlink, file);
  else if ('dir' in entry) mkdirSync(file);
  else if ('bytes' in entry) writeFileSync(file, entry.bytes);
  else writeFileSync(file, (entry.head ?? '') + entry.repeat.repeat(entry.times));
}

function substitute(text: string, dir: string, outside: string): string {
  return text.replaceAll('<dir>', dir).replaceAll('<outside>', outside);
}

// Every path under `dir`, to see that a run created nothing there.
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function setUp(root: string, c: HostileCase, index: number): { dir: string; outside: string; scratch: string } {
  const base = path.join(root, String(index));
  const dir = path.join(base, 'scenario');
  const outside = path.join(base, 'outside');
  const scratch = path.join(base, 'scratch');
  for (const d of [dir, outside, scratch]) mkdirSync(d, { recursive: true });
  for (const [name, entry] of Object.entries(c.files)) place(dir, outside, name, entry);
  return { dir, outside, scratch };
}

// One class of the catalogue as a describe block of its own file, so vitest spreads the
// classes over its workers.
export function runCatalogue(name: string, cases: readonly HostileCase[]): void {
  describe.skipIf(unavailable !== undefined)(`the hostile catalogue: ${name}${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
    // Made when the block runs (not when it is skipped), removed after it.
    let root = '';
    beforeAll(() => void (root = mkdtempSync(path.join(tmpdir(), 'kdrill-hostile-'))));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    cases.forEach((c, index) => {
      it(c.name, async () => {
        const { dir, outside, scratch } = setUp(root, c, index);
        const entry = path.join(dir, c.entry ?? 'scenario.yaml');
        // No kubeconfig of the machine's: a dry run has nothing to connect with unless the case says so.
        const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, KUBECONFIG: path.join(scratch, 'no-kubeconfig'), ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, substitute(v, dir, outside)])) };
        const before = listing(dir);
        for (const command of c.commands ?? (['validate', 'plan', 'dry-run'] as const)) {
          const args = [...(c.args ?? []).map((a) => substitute(a, dir, outside))];
          // Global options (--kubeconfig) go before the command, the others after it.
          const global = args[0] === '--kubeconfig' ? args.splice(0, 2) : [];
          const argv = [...global, ...ARGV[command](entry), ...args];
          const run = await runTraced(argv, dir, env, KILL_MS, scratch);
          const output = `${run.stdout}\n${run.stderr}`;
          const shown = substitute(output, '<dir>', '<outside>').replaceAll(dir, '<dir>').replaceAll(outside, '<outside>');
          const what = `${command}: ${argv.join(' ').replaceAll(dir, '<dir>').slice(0, 160)}\n${shown.slice(0, 1500)}`;
          expect(run.timedOut, `${what}\nstill running after ${KILL_MS} ms`).toBe(false);
          expect(run.code, what).toBe(c.expect.code);
          expect(run.cpuMs, `${what}\nused ${Math.round(run.cpuMs)} ms of CPU`).toBeLessThan(LIMIT_CPU_MS);
          expect(run.ms, `${what}\ntook ${Math.round(run.ms)} ms`).toBeLessThan(LIMIT_WALL_MS);
          expect(run.maxRssMb, `${what}\nused ${Math.round(run.maxRssMb)} MB`).toBeLessThan(LIMIT_MB);
          if (c.expect.at) expect(shown, what).toContain(c.expect.at.replaceAll('<dir>', '<dir>'));
          if (c.expect.message) expect(output, what).toMatch(c.expect.message);
          if (command === 'dry-run') for (const text of c.dryRunShows ?? []) expect(shown, what).toContain(text);
          for (const text of c.never ?? []) expect(output.includes(text), `${what}\nprinted ${JSON.stringify(text)}`).toBe(false);
          expect(run.execs, `${what}\nstarted programs`).toEqual([]);
          expect(run.connects, `${what}\nopened connections`).toEqual([]);
          expect(run.writes, `${what}\nwrote files`).toEqual([]);
        }
        expect(listing(dir)).toEqual(before);
        for (const name of c.notCreated ?? []) expect(existsSync(path.join(dir, name)), `${name} was created`).toBe(false);
      });
    });
  });
}
