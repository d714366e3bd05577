import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const exec = promisify(execFile);
const POSTGRES = '/usr/lib/postgresql/15/bin/postgres';

// A crashed primary's data directory, copied while it was down and started alone, read-only
// (a standby with nowhere to stream from): the rows it holds on its own timeline, the
// independent answer to "which acknowledged writes did the failover lose".
export async function copyDataDir(dataDir: string): Promise<{ path: string } & AsyncDisposable> {
  const parent = await mkdtemp(path.join(tmpdir(), 'kdrill-old-primary-'));
  await chmod(parent, 0o755);
  const copy = path.join(parent, 'data');
  await exec('cp', ['-a', dataDir, copy]);
  return { path: copy, [Symbol.asyncDispose]: () => rm(parent, { recursive: true, force: true }) };
}

export async function idsOnOldTimeline(copy: string, password: string, database: string, table: string): Promise<Set<number>> {
  const socketDir = await mkdtemp(path.join(tmpdir(), 'kdrill-old-sock-'));
  await chmod(socketDir, 0o777);
  await writeFile(path.join(copy, 'standby.signal'), '');
  await exec('chown', ['postgres:postgres', path.join(copy, 'standby.signal')]);
  await rm(path.join(copy, 'postmaster.pid'), { force: true });
  const port = 25_432;
  const child: ChildProcess = spawn(
    'runuser',
    ['-u', 'postgres', '--', POSTGRES, '-D', copy, '-c', `port=${port}`, '-c', 'listen_addresses=', '-c', `unix_socket_directories=${socketDir}`, '-c', 'archive_mode=off', '-c', 'hot_standby=on', '-c', 'primary_conninfo=', '-c', 'restore_command='],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: '/' },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const client = new pg.Client({ host: socketDir, port, user: 'postgres', password, database });
      try {
        await client.connect();
        const { rows } = await client.query<{ id: string }>(`select id from ${table}`);
        return new Set(rows.map((r) => Number(r.id)));
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the old primary's copy did not answer read-only: ${(error as Error).message}; postgres said: ${stderr.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    await rm(socketDir, { recursive: true, force: true });
  }
}
