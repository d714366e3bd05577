import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

// What one traced run of the built CLI did: its answer, how long and how large it was, and
// every program it started, connection it opened and file it wrote, read off strace (the
// kernel's view, not kdrill's own account).
export interface TracedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly maxRssMb: number;
  // User plus system CPU time: what the run cost, whatever else the machine was doing.
  readonly cpuMs: number;
  readonly execs: readonly string[];
  readonly connects: readonly string[];
  readonly writes: readonly string[];
  readonly timedOut: boolean;
}

const STRACE = '/usr/bin/strace';
const TIME = '/usr/bin/time';

// Why the catalogue cannot trace here, or undefined when it can.
export function tracingUnavailable(): string | undefined {
  if (!existsSync(STRACE)) return 'strace is not installed (Debian package strace; `bash scripts/setup --for-tests` installs it)';
  if (!existsSync(TIME)) return 'GNU time is not installed (Debian package time; `bash scripts/setup --for-tests` installs it)';
  const probe = spawnSync(STRACE, ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=execve', '-o', '/dev/null', 'true']);
  if (probe.status !== 0) return `strace cannot trace here (ptrace refused?): ${String(probe.stderr).trim().split('\n')[0]}`;
  if (!existsSync(path.join(REPO_ROOT, 'dist/cli/main.js'))) return 'kdrill is not built (npm run build)';
  return undefined;
}

const SYSCALLS = 'execve,execveat,connect,openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,rmdir,truncate';
// Writes the runtime itself makes and that leave nothing behind.
const HARMLESS_WRITES = [/^\/dev\/(null|tty|pts\/\d+)$/];

// Runs `kdrill args…` in `cwd` under strace and GNU time, killed after `limitMs`.
export async function runTraced(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, limitMs: number, scratch: string): Promise<TracedRun> {
  const traceFile = path.join(scratch, 'strace.txt');
  const timeFile = path.join(scratch, 'time.txt');
  // GNU time inside strace, so it counts node's CPU and memory, not strace's; --seccomp-bpf
  // stops node only at the calls traced, so tracing costs little of what is measured.
  const argv = ['-f', '-qq', '--seccomp-bpf', '-s', '256', '-e', `trace=${SYSCALLS}`, '-o', traceFile, TIME, '-f', '%M %U %S', '-o', timeFile, process.execPath, path.join(REPO_ROOT, 'bin/kdrill.js'), ...args];
  const started = performance.now();
  const child = spawn(STRACE, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limitMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const ms = performance.now() - started;
  const trace = existsSync(traceFile) ? readFileSync(traceFile, 'utf8') : '';
  // GNU time's last line: "maxrss-KB user-s system-s" (earlier lines say how the child ended).
  const figures = existsSync(timeFile) ? /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(timeFile, 'utf8').trim()) : null;
  const [rssKb, user, system] = figures ? [Number(figures[1]), Number(figures[2]), Number(figures[3])] : [NaN, NaN, NaN];
  return { code, stdout, stderr, ms, maxRssMb: rssKb / 1024, cpuMs: (user + system) * 1000, timedOut, ...effects(trace, timeFile) };
}

// `timeFile` is GNU time's own report, the one file the run itself is expected to write.
function effects(trace: string, timeFile: string): Pick<TracedRun, 'execs' | 'connects' | 'writes'> {
  const execs: string[] = [];
  const connects: string[] = [];
  const writes: string[] = [];
  // strace starts GNU time, which starts node: those two, once each, are the run itself.
  const expected = [TIME, process.execPath];
  for (const line of trace.split('\n')) {
    const call = /^\d+\s+(\w+)\((.*)$/.exec(line);
    if (!call) continue;
    const [, name, rest] = call as unknown as [string, string, string];
    const failed = /\)\s+=\s+-1\s/.test(rest);
    if (name === 'execve' || name === 'execveat') {
      // Any other, even one that failed (a program not installed), is an attempt to run a program.
      const program = /^"([^"]*)"/.exec(rest)?.[1];
      if (!failed && program === expected[0]) expected.shift();
      else execs.push(rest.slice(0, 200));
    } else if (name === 'connect') {
      connects.push(rest.slice(0, 200));
    } else if (name === 'openat' || name === 'open' || name === 'creat') {
      const file = /"([^"]*)"/.exec(rest)?.[1] ?? '';
      const writing = name === 'creat' || /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(rest);
      if (writing && !failed && file !== timeFile && !HARMLESS_WRITES.some((p) => p.test(file))) writes.push(`${name} ${file}`);
    } else if (!failed) {
      writes.push(`${name}(${rest.slice(0, 200)}`);
    }
  }
  return { execs, connects, writes };
}
