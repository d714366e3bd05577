import type { Stats } from 'node:fs';
import { lstat, mkdir, opendir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, printable, UsageError } from '../common/errors.js';
import { fileType, parseJsonText, readJsonLines } from '../common/jsonl-file.js';
import { JOURNAL_LIMITS } from '../journal/journal.js';
import { ALLURE_SITE_DIR } from '../report/allure-html/index.js';
import { ALLURE_DIR } from '../report/allure/index.js';
import { JOURNAL_FILE } from '../journal/run-dir.js';
import { HTML_FILE } from '../report/html/index.js';
import { RESULT_FILE } from '../report/json/index.js';
import { JUNIT_FILE } from '../report/junit/index.js';
import { SUMMARY_FILE } from '../report/markdown/index.js';

// Where `kdrill report --out DIR` may write: checked before anything is created, so the reports
// of one run never land over another run's files, in a system directory, or on a kernel
// filesystem (/proc, /sys…, where even `mkdir -p` can loop forever).
//
// Accepted: a path that does not exist yet (created, mkdir -p, once the checks pass), an empty
// directory, the run's own directory (its report files are replaced), and a directory holding
// nothing but this run's earlier report files (its result.json names this run).
// Refused: an existing path that is not a directory; a directory holding a journal or the
// reports of another run, or any other file; a system directory (SYSTEM_DIRS); a directory on a
// special filesystem (SPECIAL_FILESYSTEMS), found from /proc/self/mountinfo.

// Refused with everything below them. Under /var only the system's own trees: CI workspaces
// live in /var/lib/jenkins or /var/lib/buildkite-agent, and reports belong there.
const SYSTEM_TREES = ['/etc', '/usr', '/bin', '/sbin', '/boot', '/dev', '/proc', '/sys', '/var/log', '/var/cache', '/var/spool', '/var/mail', '/var/run', '/var/lock', '/var/backups', '/var/lib/dpkg', '/var/lib/apt', '/var/lib/systemd'] as const;
const SYSTEM_TREE_EXCEPTIONS: readonly string[] = [];
// Refused themselves; what is below them is allowed.
const SYSTEM_DIRS_ONLY = ['/', '/root', '/var', '/var/lib', '/home', '/opt', '/srv', '/tmp'] as const;
// `/lib*`: /lib, /lib32, /lib64, /libx32, /libexec, with everything below (not /library).
const LIB_TREE = /^\/lib(32|64|x32|exec)?(\/|$)/;

// Kernel and pseudo filesystems: nothing a report belongs on.
export const SPECIAL_FILESYSTEMS: ReadonlySet<string> = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs', 'configfs',
  'pstore', 'bpf', 'efivarfs', 'fusectl', 'hugetlbfs', 'mqueue', 'binfmt_misc', 'autofs', 'rpc_pipefs', 'nsfs',
  'selinuxfs', 'nfsd',
]);

// The files a report run writes (nothing else may be in a directory it reuses).
const REPORT_OUTPUTS: ReadonlySet<string> = new Set([RESULT_FILE, SUMMARY_FILE, HTML_FILE, JUNIT_FILE, ALLURE_DIR, ALLURE_SITE_DIR]);
// A result.json is read (bounded) only to learn whose it is.
const RESULT_MAX_BYTES = 64 * 1024 * 1024;
const LISTED = 5;

export interface ReportOwner {
  readonly runDir: string; // the run directory, where its journal lives
  readonly runId: string;
}

export interface OutDirOptions {
  // The text of /proc/self/mountinfo (a test seam); `null`: not known (no check).
  readonly mountInfo?: string | null;
}

// Checks the directory the reports of `owner` are to be written in, creates it if it is new,
// and returns its real path.
/** @throws UsageError (exit 2) naming the directory and why it is refused. */
export async function prepareReportOutDir(out: string, owner: ReportOwner, options: OutDirOptions = {}): Promise<string> {
  const target = path.resolve(out);
  const refuse = (why: string) =>
    new UsageError(printable(`--out ${target}: ${why}`), { hint: 'choose a new or empty directory, or leave out --out to write into the run directory' });
  const expectedDir = 'Expected a directory to write the reports in';
  const expectedEmpty = `Expected a new or empty directory, or this run's own (${owner.runDir})`;

  // The nearest path that exists, and the names below it still to create.
  let existing = target;
  const missing: string[] = [];
  let stats: Stats;
  for (;;) {
    try {
      stats = await stat(existing);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw refuse(`${expectedDir}, got ${existing}: ${code ?? String(error)}`);
      if (code === 'ENOENT' && (await lstat(existing).catch(() => undefined))?.isSymbolicLink()) throw refuse(`${expectedDir}, got ${existing}, a symbolic link to a path that does not exist`);
      const parent = path.dirname(existing);
      if (parent === existing) throw refuse(`${expectedDir}, got a path with no existing parent`);
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
  if (!stats.isDirectory()) {
    throw refuse(missing.length === 0 ? `${expectedDir}, got ${fileType(stats)}` : `${expectedDir}, got a path under ${existing}, which is ${fileType(stats)}`);
  }
  const realExisting = await realpath(existing);
  const real = path.join(realExisting, ...missing);
  const own = missing.length === 0 && realExisting === (await realpath(owner.runDir).catch(() => path.resolve(owner.runDir)));

  // The run's own directory was a run's to write already; any other is checked for being a system one.
  if (!own) {
    for (const candidate of new Set([target, real])) {
      const system = systemDirOf(candidate);
      if (system) throw refuse(`Expected a directory of your own, got ${system === candidate ? 'the system directory' : 'a path inside the system directory'} ${system}${candidate === target ? '' : ` (${target} is ${real})`}`);
    }
  }
  const mountInfo = options.mountInfo === undefined ? await readFile('/proc/self/mountinfo', 'utf8').catch(() => null) : options.mountInfo;
  const fs = mountInfo === null ? undefined : filesystemAt(realExisting, mountInfo);
  if (fs && SPECIAL_FILESYSTEMS.has(fs.type)) throw refuse(`Expected a directory on an ordinary filesystem, got one on ${fs.type} (mounted at ${fs.mountPoint})`);

  if (missing.length === 0) {
    if (own) return replaceable(real, refuse);
    const max = REPORT_OUTPUTS.size + LISTED + 1;
    const names = await someNames(real, max);
    if (names.length === 0) return real;
    if (names.includes(JOURNAL_FILE)) {
      const other = await runIdOfJournal(path.join(real, JOURNAL_FILE));
      throw refuse(other === owner.runId ? `${expectedEmpty}, got a copy of this run's directory (report from it instead: kdrill report ${target})` : `${expectedEmpty}, got the directory of another run (${other === undefined ? `its ${JOURNAL_FILE} names no run` : `run ${other}`})`);
    }
    const others = names.filter((n) => !REPORT_OUTPUTS.has(n));
    if (others.length > 0) throw refuse(`${expectedEmpty}, got one holding other files (${others.slice(0, LISTED).join(', ')}${others.length > LISTED || names.length === max ? ', …' : ''})`);
    const whose = names.includes(RESULT_FILE) ? await runIdOfResult(path.join(real, RESULT_FILE)) : undefined;
    if (whose !== owner.runId) {
      throw refuse(`${expectedEmpty}, got one holding the reports of ${whose === undefined ? `a run it does not name (no readable ${RESULT_FILE})` : `another run (run ${whose})`}`);
    }
    return replaceable(real, refuse); // this run's earlier reports: replaced
  }

  // New: create it a level at a time (mkdir's `recursive` can loop forever on special filesystems).
  let dir = realExisting;
  for (const name of missing) {
    dir = path.join(dir, name);
    try {
      await mkdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const now = code === 'EEXIST' ? await lstat(dir).catch(() => undefined) : undefined;
      if (!now?.isDirectory()) throw refuse(`cannot create ${dir}: ${code ?? String(error)}`);
    }
  }
  return real;
}

// `dir`, once every report file already in it is one to replace: a regular file (a directory for
// the Allure ones), never a symbolic link, which would be written through wherever it points.
async function replaceable(dir: string, refuse: (why: string) => Error): Promise<string> {
  for (const name of REPORT_OUTPUTS) {
    const found = await lstat(path.join(dir, name)).catch(() => undefined);
    const wantDir = name === ALLURE_DIR || name === ALLURE_SITE_DIR;
    if (found && !(wantDir ? found.isDirectory() : found.isFile())) {
      throw refuse(`Expected ${name} in it to be a ${wantDir ? 'directory' : 'regular file'} to replace, got ${found.isSymbolicLink() ? 'a symbolic link' : fileType(found)}`);
    }
  }
  return dir;
}

// The system directory `dir` is, or is inside, if any.
export function systemDirOf(dir: string): string | undefined {
  const normal = path.resolve(dir);
  if ((SYSTEM_DIRS_ONLY as readonly string[]).includes(normal)) return normal;
  if (SYSTEM_TREE_EXCEPTIONS.some((e) => within(normal, e))) return undefined;
  const lib = LIB_TREE.exec(normal);
  if (lib) return normal.slice(0, lib[0].endsWith('/') ? lib[0].length - 1 : lib[0].length);
  return SYSTEM_TREES.find((tree) => within(normal, tree));
}

const within = (dir: string, tree: string) => dir === tree || dir.startsWith(`${tree}/`);

// The filesystem `realPath` is on, from the text of /proc/self/mountinfo: the longest mount
// point that holds it (the last mounted, when several share one).
export function filesystemAt(realPath: string, mountInfo: string): { type: string; mountPoint: string } | undefined {
  let best: { type: string; mountPoint: string } | undefined;
  for (const line of mountInfo.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": optional fields end at "-".
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    const mountPoint = fields[4];
    const type = separator > 0 ? fields[separator + 1] : undefined;
    if (mountPoint === undefined || type === undefined) continue;
    const point = mountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    if (!(point === '/' || within(realPath, point))) continue;
    if (!best || point.length >= best.mountPoint.length) best = { type, mountPoint: point };
  }
  return best;
}

// Up to `max` names in a directory (a huge one is not listed whole).
async function someNames(dir: string, max: number): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of await opendir(dir)) {
    names.push(entry.name); // the loop closes the directory, also when it breaks
    if (names.length >= max) break;
  }
  return names;
}

// The run id on the first line (the run-start entry) of a journal, if it can be read.
async function runIdOfJournal(file: string): Promise<string | undefined> {
  try {
    for await (const { text } of readJsonLines({ file, noun: 'run journal', code: ErrorCode.JOURNAL_CORRUPT, limits: JOURNAL_LIMITS })) {
      const parsed = parseJsonText(text, JOURNAL_LIMITS.maxNesting);
      const start = parsed.ok ? (parsed.value as { kind?: unknown; runId?: unknown } | null) : null;
      return start?.kind === 'run-start' && typeof start.runId === 'string' ? start.runId : undefined; // the first line only
    }
  } catch {
    // unreadable: it names no run
  }
  return undefined;
}

// The run id of a result.json (`result.runId`), if it can be read.
async function runIdOfResult(file: string): Promise<string | undefined> {
  const limits = { maxLineBytes: RESULT_MAX_BYTES, maxFileBytes: RESULT_MAX_BYTES, maxNesting: JOURNAL_LIMITS.maxNesting };
  try {
    const lines: string[] = [];
    for await (const { text } of readJsonLines({ file, noun: RESULT_FILE, code: ErrorCode.JOURNAL_CORRUPT, limits })) lines.push(text);
    const parsed = parseJsonText(lines.join('\n'), limits.maxNesting);
    const runId = parsed.ok ? (parsed.value as { result?: { runId?: unknown } } | null)?.result?.runId : undefined;
    return typeof runId === 'string' ? runId : undefined;
  } catch {
    return undefined;
  }
}
