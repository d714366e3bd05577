import { readFile } from 'node:fs/promises';

// One process as /proc/<pid>/stat describes it.
export interface ProcStat {
  readonly state: string; // R, S, T (stopped), Z (zombie)…
  readonly ppid: number;
  readonly startTime: number; // field 22: clock ticks since boot, to tell a recycled pid apart
}

export async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

export async function readComm(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function startTimeOf(pid: number): Promise<number> {
  return (await readStat(pid))?.startTime ?? -1;
}

// Whether `pid` is still the process that started at `startTime`, and not a zombie.
export async function isRunning(process: { readonly pid: number; readonly startTime: number }): Promise<boolean> {
  const stat = await readStat(process.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTime === process.startTime;
}

// Sends `signal` to each pid that still exists; returns those it reached.
export function signalAll(pids: Iterable<number>, signal: NodeJS.Signals): number[] {
  const reached: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      reached.push(pid);
    } catch {
      // gone already
    }
  }
  return reached;
}
