import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../../harness/cli/errors-to-exit.js';
import { ExitCode } from '../../../harness/cli/exit-codes.js';
import { filesystemAt, prepareReportOutDir, systemDirOf } from '../../../harness/cli/out-dir.js';
import { UsageError } from '../../../harness/common/errors.js';

let dir: string;
let runDir: string;
const owner = () => ({ runDir, runId: 'run-1' });
const journalOf = (runId: string) => `${JSON.stringify({ kind: 'run-start', at: 0, wall: 'x', runId, plan: {} })}\n`;
const resultOf = (runId: string) => JSON.stringify({ schemaVersion: 1, result: { runId } }, null, 2);

beforeEach(async () => {
  dir = await realpath(await mkdtemp(path.join(tmpdir(), 'kdrill-out-')));
  runDir = path.join(dir, 'run-1');
  await mkdir(runDir);
  await writeFile(path.join(runDir, 'journal.jsonl'), journalOf('run-1'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The refusal of `out`, checked to be a usage error (exit 2) that names --out and the directory.
async function refusal(out: string, options = {}): Promise<string> {
  const error = await prepareReportOutDir(out, owner(), options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect(exitCodeForError(error)).toBe(ExitCode.invalidInput);
  const message = (error as UsageError).shortMessage;
  expect(message.startsWith(`--out ${path.resolve(out)}: `)).toBe(true);
  return message;
}

describe('prepareReportOutDir: refused', () => {
  it('/etc and a new directory inside it, /, /usr/lib, /boot, /var/log', async () => {
    expect(await refusal('/etc')).toBe('--out /etc: Expected a directory of your own, got the system directory /etc');
    expect(await refusal('/etc/kdrill-reports')).toBe('--out /etc/kdrill-reports: Expected a directory of your own, got a path inside the system directory /etc');
    for (const out of ['/', '/usr/lib', '/boot', '/var/log', '/lib64/x', '/root']) expect(await refusal(out)).toContain('system directory');
  });

  it('/proc/self and /proc/x (at once: mkdir -p there loops forever)', async () => {
    const began = Date.now();
    expect(await refusal('/proc/self')).toBe('--out /proc/self: Expected a directory of your own, got a path inside the system directory /proc');
    expect(await refusal('/proc/x/y')).toBe('--out /proc/x/y: Expected a directory of your own, got a path inside the system directory /proc');
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('a symlink into a system directory, by its real path', async () => {
    await symlink('/etc', path.join(dir, 'etc-link'));
    expect(await refusal(path.join(dir, 'etc-link', 'new'))).toBe(`--out ${dir}/etc-link/new: Expected a directory of your own, got a path inside the system directory /etc (${dir}/etc-link/new is /etc/new)`);
  });

  it('a directory on a special filesystem (from mountinfo), wherever it is mounted', async () => {
    const mountInfo = ['22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw', `99 22 0:50 / ${dir.replace(/ /g, '\\040')} rw,nosuid - proc proc rw`].join('\n');
    expect(await refusal(path.join(dir, 'new'), { mountInfo })).toBe(`--out ${dir}/new: Expected a directory on an ordinary filesystem, got one on proc (mounted at ${dir})`);
    expect(await stat(path.join(dir, 'new')).catch(() => 'absent')).toBe('absent');
  });

  it('an existing file, a FIFO, and a path under a file', async () => {
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'x');
    expect(await refusal(file)).toBe(`--out ${file}: Expected a directory to write the reports in, got a regular file`);
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toBe(`--out ${fifo}: Expected a directory to write the reports in, got a FIFO`);
    expect(await refusal(path.join(file, 'sub'))).toBe(`--out ${file}/sub: Expected a directory to write the reports in, got a path under ${file}, which is a regular file`);
  });

  it('a symbolic link to nothing', async () => {
    await symlink(path.join(dir, 'gone'), path.join(dir, 'dangling'));
    expect(await refusal(path.join(dir, 'dangling'))).toBe(`--out ${dir}/dangling: Expected a directory to write the reports in, got ${dir}/dangling, a symbolic link to a path that does not exist`);
  });

  it("another run's directory, which is left as it was", async () => {
    const other = path.join(dir, 'run-2');
    await mkdir(other);
    await writeFile(path.join(other, 'journal.jsonl'), journalOf('run-2'));
    await writeFile(path.join(other, 'result.json'), resultOf('run-2'));
    expect(await refusal(other)).toBe(`--out ${other}: Expected a new or empty directory, or this run's own (${runDir}), got the directory of another run (run run-2)`);
    expect((await readdir(other)).sort()).toEqual(['journal.jsonl', 'result.json']);
  });

  it("a directory holding another run's reports, or reports that name no run", async () => {
    const reports = path.join(dir, 'reports');
    await mkdir(reports);
    await writeFile(path.join(reports, 'result.json'), resultOf('run-2'));
    await writeFile(path.join(reports, 'summary.md'), '# run-2');
    expect(await refusal(reports)).toBe(`--out ${reports}: Expected a new or empty directory, or this run's own (${runDir}), got one holding the reports of another run (run run-2)`);
    await rm(path.join(reports, 'result.json'));
    expect(await refusal(reports)).toBe(`--out ${reports}: Expected a new or empty directory, or this run's own (${runDir}), got one holding the reports of a run it does not name (no readable result.json)`);
  });

  it('a non-empty unrelated directory', async () => {
    const mine = path.join(dir, 'mine');
    await mkdir(mine);
    for (const name of ['a.txt', 'b.txt', 'c', 'd', 'e', 'f', 'g']) await writeFile(path.join(mine, name), 'keep');
    expect(await refusal(mine)).toMatch(new RegExp(`^--out ${mine}: Expected a new or empty directory, or this run's own \\(${runDir}\\), got one holding other files \\((\\w+(\\.txt)?, ){5}…\\)$`));
  });

  it("a copy of this run's directory (report from the copy instead)", async () => {
    const copy = path.join(dir, 'copy');
    await mkdir(copy);
    await writeFile(path.join(copy, 'journal.jsonl'), journalOf('run-1'));
    expect(await refusal(copy)).toBe(`--out ${copy}: Expected a new or empty directory, or this run's own (${runDir}), got a copy of this run's directory (report from it instead: kdrill report ${copy})`);
  });
});

describe('prepareReportOutDir: accepted', () => {
  it('an empty directory', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    expect(await prepareReportOutDir(empty, owner())).toBe(empty);
  });

  it('a new path, created with its parents', async () => {
    const fresh = path.join(dir, 'a', 'b', 'c');
    expect(await prepareReportOutDir(fresh, owner())).toBe(fresh);
    expect((await stat(fresh)).isDirectory()).toBe(true);
  });

  it("the run's own directory, also through a symlink", async () => {
    await writeFile(path.join(runDir, 'result.json'), resultOf('run-1'));
    await writeFile(path.join(runDir, 'ledger.bin'), 'x');
    expect(await prepareReportOutDir(runDir, owner())).toBe(runDir);
    await symlink(runDir, path.join(dir, 'latest'));
    expect(await prepareReportOutDir(path.join(dir, 'latest'), owner())).toBe(runDir);
  });

  it("a directory holding only this run's earlier reports", async () => {
    const again = path.join(dir, 'again');
    await mkdir(again);
    await writeFile(path.join(again, 'result.json'), resultOf('run-1'));
    await writeFile(path.join(again, 'summary.md'), '# run-1');
    expect(await prepareReportOutDir(again, owner())).toBe(again);
  });

  it('below /var/tmp, /root and CI workspaces under /var/lib, but not the system trees under /var', () => {
    expect(systemDirOf('/var/tmp')).toBeUndefined();
    expect(systemDirOf('/var/tmp/kdrill/x')).toBeUndefined();
    expect(systemDirOf('/root/reports')).toBeUndefined();
    expect(systemDirOf('/home/me/reports')).toBeUndefined();
    expect(systemDirOf('/library')).toBeUndefined();
    expect(systemDirOf('/variable')).toBeUndefined();
    expect(systemDirOf('/var/lib/jenkins/workspace/drill/reports')).toBeUndefined();
    expect(systemDirOf('/var')).toBe('/var');
    expect(systemDirOf('/var/lib')).toBe('/var/lib');
    expect(systemDirOf('/var/lib/dpkg/info')).toBe('/var/lib/dpkg');
    expect(systemDirOf('/var/log/x')).toBe('/var/log');
    expect(systemDirOf('/tmp')).toBe('/tmp');
    expect(systemDirOf('/lib64/x')).toBe('/lib64');
    expect(systemDirOf('/usr/local/share')).toBe('/usr');
  });
});

describe('filesystemAt', () => {
  const mountInfo = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '23 22 0:22 / /proc rw,nosuid shared:5 - proc proc rw',
    '24 22 0:23 / /sys rw,nosuid shared:6 - sysfs sysfs rw',
    '25 24 0:24 / /sys/fs/cgroup rw shared:7 - cgroup2 cgroup2 rw',
    '26 22 0:25 / /mnt/my\\040disk rw shared:8 master:2 - xfs /dev/sdb1 rw',
    '27 22 0:26 / /tmp rw - tmpfs tmpfs rw',
    '28 22 0:27 / /tmp rw - proc proc rw',
  ].join('\n');

  it('picks the longest mount point holding the path, the last mounted when several share one', () => {
    expect(filesystemAt('/home/me', mountInfo)).toEqual({ type: 'ext4', mountPoint: '/' });
    expect(filesystemAt('/sys/fs/cgroup/x', mountInfo)).toEqual({ type: 'cgroup2', mountPoint: '/sys/fs/cgroup' });
    expect(filesystemAt('/sys/kernel', mountInfo)).toEqual({ type: 'sysfs', mountPoint: '/sys' });
    expect(filesystemAt('/mnt/my disk/reports', mountInfo)).toEqual({ type: 'xfs', mountPoint: '/mnt/my disk' });
    expect(filesystemAt('/procfoo', mountInfo)).toEqual({ type: 'ext4', mountPoint: '/' });
    expect(filesystemAt('/tmp/x', mountInfo)).toEqual({ type: 'proc', mountPoint: '/tmp' });
  });

  it('reads this machine: /proc is proc', async () => {
    const { readFile } = await import('node:fs/promises');
    const real = await readFile('/proc/self/mountinfo', 'utf8').catch(() => undefined);
    if (real === undefined) return; // not Linux
    expect(filesystemAt('/proc/self', real)?.type).toBe('proc');
  });
});

describe('prepareReportOutDir: report files it would replace', () => {
  it('refuses to write through a symbolic link, even in the run directory', async () => {
    await symlink('/etc/passwd', path.join(runDir, 'summary.md'));
    expect(await refusal(runDir)).toBe(`--out ${runDir}: Expected summary.md in it to be a regular file to replace, got a symbolic link`);
    await rm(path.join(runDir, 'summary.md'));
    await mkdir(path.join(runDir, 'result.json'));
    expect(await refusal(runDir)).toBe(`--out ${runDir}: Expected result.json in it to be a regular file to replace, got a directory`);
  });
});
