import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { isRunning, startTimeOf } from '../../../common/proc.js';

// A process the cluster started, identified by pid and kernel start time so that a recycled
// pid is never mistaken for it (and never killed by a teardown).
export interface ProcessRecord {
  readonly role: string; // "etcd a-1", "patroni a-1", "haproxy"
  readonly argv: readonly string[];
  readonly log: string;
  readonly pid: number;
  readonly startTime: number;
}

// Starts a long-running process detached from the harness (it outlives `kdrill cluster up`),
// its output appended to `log`, in `cwd`: never the harness's own directory, which the
// postgres user may not be allowed to enter (a private temp dir, /root).
export async function startDetached(role: string, argv: readonly string[], log: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ProcessRecord> {
  const fd = openSync(log, 'a', 0o644);
  try {
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env, cwd });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    return { role, argv, log, pid, startTime: await startTimeOf(pid) };
  } finally {
    closeSync(fd);
  }
}

// Sends a signal to the recorded process if it is still the same process. Returns whether it
// was: a process that is gone, also between the check and the signal (ESRCH), is not an error.
// @throws the kill's error for any other refusal (EPERM): the process is still there.
export async function signalProcess(record: Pick<ProcessRecord, 'pid' | 'startTime'>, signal: NodeJS.Signals): Promise<boolean> {
  if (!(await isRunning(record))) return false;
  try {
    process.kill(record.pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export async function waitGone(record: Pick<ProcessRecord, 'pid' | 'startTime'>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await isRunning(record))) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
