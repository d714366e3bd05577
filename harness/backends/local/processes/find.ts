import { readFile, readdir } from 'node:fs/promises';

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly state: string;
  readonly cmdline: string;
}

async function readProc(pid: number): Promise<ProcInfo | undefined> {
  try {
    const [stat, cmdline, comm] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
      readFile(`/proc/${pid}/comm`, 'utf8'),
    ]);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), state: fields[0]!, comm: comm.trim(), cmdline: cmdline.replace(/\0/g, ' ') };
  } catch {
    return undefined;
  }
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
