import { run } from '../exec.js';

// The PostgreSQL 15 binaries (Patroni's bin_dir), from Debian's layout or pg_config.
export async function postgresBinDir(): Promise<string> {
  for (const candidate of ['/usr/lib/postgresql/15/bin']) {
    try {
      await run(`${candidate}/postgres`, ['--version'], { timeoutMs: 5_000 });
      return candidate;
    } catch {
      // try the next
    }
  }
  const { stdout } = await run('pg_config', ['--bindir'], { timeoutMs: 5_000 });
  return stdout.trim();
}

export async function uidGidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
