import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, KdrillError } from '../common/errors.js';
import { isRunning, startTimeOf } from '../common/proc.js';

// Every run directory holds its journal under this name.
export const JOURNAL_FILE = 'journal.jsonl';
const PID_FILE = 'run.pid';

// "20261123-224501-tier0-zone-failover-3f9a": sortable, unique, and a valid label value.
export function makeRunId(scenarioName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const name = scenarioName.slice(0, 63 - stamp.length - 6).replace(/-+$/, '');
  return `${stamp}-${name}-${randomBytes(2).toString('hex')}`;
}

// Creates the run directory; refuses one that already holds a journal, so no run overwrites another.
export async function prepareRunDir(dir: string): Promise<void> {
  if (existsSync(path.join(dir, JOURNAL_FILE))) {
    throw new KdrillError(ErrorCode.USAGE, `${dir} already holds a run (${JOURNAL_FILE}); choose another --out`);
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new KdrillError(ErrorCode.RUN_DIR, `cannot create the run directory ${dir}`, { cause });
  }
}

// Marks the run as live so that `kdrill cleanup` leaves it alone while its process runs.
// Holds the pid and its kernel start time, so a recycled pid is not mistaken for the run.
export async function markLive(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, PID_FILE);
  await writeFile(file, `${process.pid} ${await startTimeOf(process.pid)}\n`);
  return () => rm(file, { force: true });
}

// Whether the process that ran this directory is still alive (a zombie is not).
export async function isLive(dir: string): Promise<boolean> {
  let pid: number;
  let startTime: number;
  try {
    [pid, startTime] = (await readFile(path.join(dir, PID_FILE), 'utf8')).trim().split(/\s+/).map(Number) as [number, number];
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  return isRunning({ pid, startTime: Number.isFinite(startTime) ? startTime : await startTimeOf(pid) });
}

// Every run directory (one holding a journal) directly under `reportsDir`, oldest first.
export async function listRunDirs(reportsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(reportsDir);
  } catch {
    return [];
  }
  return names
    .sort()
    .map((name) => path.join(reportsDir, name))
    .filter((dir) => existsSync(path.join(dir, JOURNAL_FILE)));
}
