import { readFile, readdir } from 'node:fs/promises';
import { readComm, readStat } from '../../../common/proc.js';

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly state: string;
  readonly cmdline: string;
}

async function readProc(pid: number): Promise<ProcInfo | undefined> {
  const [stat, comm, cmdline] = await Promise.all([readStat(pid), readComm(pid), readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined)]);
  if (!stat || comm === undefined || cmdline === undefined) return undefined;
  return { pid, ppid: stat.ppid, state: stat.state, comm, cmdline: cmdline.replace(/\0/g, ' ') };
}

async function allProcesses(): Promise<ProcInfo[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  return (await Promise.all(pids.map(readProc))).filter((p): p is ProcInfo => p !== undefined);
}

// Every live process whose command line names `dir` (etcd's data dir, Patroni's config,
// the postmaster's -D), with all their descendants (PostgreSQL's workers rewrite their
// command lines, so they are found through their parent).
export async function processesUnder(dir: string): Promise<{ pid: number; comm: string; state: string }[]> {
  const procs = await allProcesses();
  const needle = dir.endsWith('/') ? dir : `${dir}/`;
  const chosen = new Set(procs.filter((p) => p.cmdline.includes(needle) && p.state !== 'Z').map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!chosen.has(p.pid) && chosen.has(p.ppid) && p.state !== 'Z') {
        chosen.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => chosen.has(p.pid)).map(({ pid, comm, state }) => ({ pid, comm, state }));
}
