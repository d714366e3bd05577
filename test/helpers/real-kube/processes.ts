import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// The real server's processes, each in a process group of its own with its output in a
// log file. Whatever happens to the test (failure, timeout, Ctrl-C), the worker's exit
// kills every group still running: nothing of the tier outlives its test file.
const running = new Set<ServerProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of running) p.killGroupNow();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const p of running) p.killGroupNow();
      process.kill(process.pid, signal);
    });
  }
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  exitCode: number | null = null;

  constructor(
    readonly name: string,
    readonly binary: string,
    readonly args: readonly string[],
    readonly logFile: string,
  ) {}

  get alive(): boolean {
    return this.child !== undefined && this.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    installExitHook();
    const fd = openSync(this.logFile, 'a');
    this.exitCode = null;
    const child = spawn(this.binary, this.args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.child = child;
    running.add(this);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 0);
        running.delete(this);
        resolve();
      });
      child.once('error', () => resolve());
    });
  }

  // The last lines of its log, for a failure's message.
  tail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  killGroupNow(): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.alive) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone: what we wanted.
    }
  }

  // SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited.
  async stop(graceMs = 5_000): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || !this.alive) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const done = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      this.killGroupNow();
      await this.exited;
    }
  }
}
