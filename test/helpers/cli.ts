import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from '../../harness/cli/main.js';
import type { Output } from '../../harness/cli/output.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// By URL, so the child resolves it whatever its working directory.
const TSX_LOADER = pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

// Runs the CLI in this process, capturing what it prints.
export async function runCliInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await main(args, output);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

// Starts the CLI as a real process (from source, through tsx), so signals and exit codes are real.
export function spawnCli(
  args: string[],
  cwd: string,
  as?: { uid: number; gid: number; env?: NodeJS.ProcessEnv },
): ChildProcess & { output: () => { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(REPO_ROOT, 'test/helpers/cli-entry.ts'), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', ...as?.env },
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return Object.assign(child, { output: () => ({ stdout, stderr }), exited });
}

// A temporary directory removed when the test's `await using` scope ends.
export async function tempDir(prefix = 'kdrill-test-'): Promise<{ path: string; write(name: string, text: string): Promise<string> } & AsyncDisposable> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return {
    path: dir,
    async write(name, text) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    },
    async [Symbol.asyncDispose]() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Resolves once `predicate` holds for the process output, or rejects after `ms`.
export async function waitForOutput(child: { output: () => { stdout: string; stderr: string } }, predicate: (o: { stdout: string; stderr: string }) => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate(child.output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for output; got:\n${JSON.stringify(child.output(), null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
