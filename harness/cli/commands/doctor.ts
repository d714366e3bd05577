import { execFile } from 'node:child_process';
import path from 'node:path';
import { detectPrivilege } from '../../backends/local/privilege.js';
import { USERNS_ARGS } from '../../backends/local/userns.js';

// `kdrill doctor`: what this machine can run. Every check only reads versions, except the
// network namespace probe, which creates `kdrill-doctor-<pid>` and always removes it.

export type DoctorStatus = 'ok' | 'missing' | 'warn';
export type PrivilegeMode = 'root' | 'rootless' | 'loopback';

export interface DoctorCheck {
  name: DoctorCheckName;
  status: DoctorStatus;
  detail: string;
  neededFor: string;
  // false for optional tools: a missing optional tool never fails `kdrill doctor`.
  required: boolean;
}

export interface DoctorReport {
  ok: boolean; // no required check is missing
  privilegeMode: PrivilegeMode;
  platform: string;
  checks: DoctorCheck[];
}

// Every check `doctor()` reports, in report order.
export const DOCTOR_CHECKS = [
  'node',
  'postgres',
  'patroni',
  'etcd',
  'etcdctl',
  'haproxy',
  'pgbackrest',
  'pgbench',
  'ip',
  'nft',
  'unshare',
  'kind',
  'kubectl',
  'helm',
  'k6',
  'docker',
  'chromium',
  'java',
  'privilege',
  'netns',
] as const;
export type DoctorCheckName = (typeof DOCTOR_CHECKS)[number];

const MIN_NODE: readonly [number, number] = [20, 11];
const EXPECTED_PG_MAJOR = 15;
const TIMEOUT_MS = 5_000;
const LOCAL = 'local backend';

interface ExecResult {
  ok: boolean;
  notFound: boolean;
  stdout: string;
  stderr: string;
  error: string;
}

// Runs a program without a shell; never rejects.
function run(file: string, args: readonly string[], timeout = TIMEOUT_MS): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      const killed = err !== null && (err as { killed?: boolean }).killed === true;
      resolve({
        ok: err === null,
        notFound: code === 'ENOENT',
        stdout: String(stdout ?? ''),
        stderr: String(stderr ?? ''),
        error: err === null ? '' : killed ? `timed out after ${timeout} ms` : firstLine(String(stderr ?? '')) || err.message,
      });
    });
  });
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 160);
}

interface ToolSpec {
  name: DoctorCheckName;
  file: string;
  args: string[];
  neededFor: string;
  required: boolean;
  alternatives?: string[]; // other executable names to try when `file` is not found
}

// Checks one executable by asking it for its version.
async function checkTool(spec: ToolSpec): Promise<DoctorCheck> {
  const base = { name: spec.name, neededFor: spec.neededFor, required: spec.required };
  for (const file of [spec.file, ...(spec.alternatives ?? [])]) {
    const r = await run(file, spec.args);
    if (r.notFound) continue;
    const version = firstLine(r.stdout) || firstLine(r.stderr);
    if (r.ok) return { ...base, status: 'ok', detail: version };
    return { ...base, status: 'warn', detail: `\`${file} ${spec.args.join(' ')}\` failed: ${r.error}` };
  }
  const names = [spec.file, ...(spec.alternatives ?? [])].join(' or ');
  return { ...base, status: 'missing', detail: `${names} not found on PATH` };
}

function checkNode(): DoctorCheck {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: 'node',
    status: ok ? 'ok' : 'missing',
    detail: ok ? `v${process.versions.node}` : `v${process.versions.node} is older than ${MIN_NODE.join('.')}`,
    neededFor: 'kdrill itself',
    required: true,
  };
}

// PostgreSQL's binaries live in `pg_config --bindir` (not on PATH on Debian).
async function findPgBindir(): Promise<string | undefined> {
  const r = await run('pg_config', ['--bindir']);
  const dir = r.ok ? r.stdout.trim() : '';
  return dir === '' ? undefined : dir;
}

async function checkPostgres(bindir: string | undefined): Promise<DoctorCheck> {
  const neededFor = `${LOCAL} (PostgreSQL ${EXPECTED_PG_MAJOR} members)`;
  const check = await checkTool({
    name: 'postgres',
    file: bindir ? path.join(bindir, 'postgres') : 'postgres',
    args: ['--version'],
    neededFor,
    required: true,
  });
  if (check.status === 'missing' && !bindir) check.detail = 'pg_config not found on PATH and no postgres on PATH';
  if (check.status === 'ok') {
    const major = Number(/PostgreSQL\)?\s+(\d+)/.exec(check.detail)?.[1]);
    if (major !== EXPECTED_PG_MAJOR) {
      return { ...check, status: 'warn', detail: `${check.detail} (expected PostgreSQL ${EXPECTED_PG_MAJOR})` };
    }
    if (bindir) check.detail += ` (${bindir})`;
  }
  return check;
}

function toolSpecs(bindir: string | undefined): ToolSpec[] {
  return [
    { name: 'patroni', file: 'patroni', args: ['--version'], neededFor: `${LOCAL} (failover)`, required: true },
    { name: 'etcd', file: 'etcd', args: ['--version'], neededFor: `${LOCAL} (DCS for Patroni)`, required: true },
    { name: 'etcdctl', file: 'etcdctl', args: ['version'], neededFor: `${LOCAL} (etcd faults, snapshots)`, required: true },
    { name: 'haproxy', file: 'haproxy', args: ['-v'], neededFor: `${LOCAL} (service that follows the primary)`, required: true },
    { name: 'pgbackrest', file: 'pgbackrest', args: ['version'], neededFor: `${LOCAL} (backup and restore drills)`, required: true },
    {
      name: 'pgbench',
      file: bindir ? path.join(bindir, 'pgbench') : 'pgbench',
      args: ['--version'],
      alternatives: bindir ? ['pgbench'] : [],
      neededFor: 'pgbench load driver',
      required: true,
    },
    { name: 'ip', file: 'ip', args: ['-V'], neededFor: `${LOCAL} (network namespaces, link faults)`, required: true },
    { name: 'nft', file: 'nft', args: ['--version'], neededFor: `${LOCAL} (partitions, packet loss)`, required: true },
    { name: 'unshare', file: 'unshare', args: ['--version'], neededFor: `${LOCAL} rootless mode`, required: false },
    { name: 'kind', file: 'kind', args: ['version'], neededFor: 'kubernetes backend on kind', required: false },
    { name: 'kubectl', file: 'kubectl', args: ['version', '--client'], neededFor: 'looking at a cluster by hand (kdrill talks to the API itself)', required: false },
    { name: 'helm', file: 'helm', args: ['version', '--short'], neededFor: 'installing Chaos Mesh', required: false },
    { name: 'k6', file: 'k6', args: ['version'], neededFor: 'k6 load driver', required: false },
    { name: 'docker', file: 'docker', args: ['--version'], neededFor: 'kind (node containers)', required: false },
    {
      name: 'chromium',
      file: 'chromium',
      args: ['--version'],
      alternatives: ['chromium-browser'],
      neededFor: 'PDF export of HTML reports',
      required: false,
    },
    { name: 'java', file: 'java', args: ['-version'], neededFor: 'allure report generation', required: false },
  ];
}


// Which way the local backend can build its network: as root, in a user namespace, or not at all.
async function checkPrivilege(): Promise<{ mode: PrivilegeMode; check: DoctorCheck }> {
  const base = { name: 'privilege' as const, neededFor: `${LOCAL} network faults`, required: false };
  // The local backend's own detector: doctor reports what a drill would choose.
  const found = await detectPrivilege('auto');
  if (found.mode === 'root') {
    return { mode: 'root', check: { ...base, status: 'ok', detail: 'root: network namespaces in the host' } };
  }
  if (found.mode === 'userns') {
    return {
      mode: 'rootless',
      check: { ...base, status: 'ok', detail: `rootless: \`unshare ${USERNS_ARGS.join(' ')}\` works` },
    };
  }
  const why = found.attempts.find((a) => a.strategy === 'unprivileged user namespace')?.reason ?? 'no user namespace';
  return {
    mode: 'loopback',
    check: {
      ...base,
      status: 'warn',
      detail: `loopback mode only (process faults, no network faults): not root and unprivileged user namespaces fail (${why})`,
    },
  };
}

// Creates and removes a network namespace, the way the local backend will.
async function checkNetns(mode: PrivilegeMode): Promise<DoctorCheck> {
  const base = { name: 'netns' as const, neededFor: `${LOCAL} nodes and zones`, required: false };
  if (mode === 'loopback') {
    return { ...base, status: 'warn', detail: 'skipped: no privilege mode can create network namespaces' };
  }
  const ns = `kdrill-doctor-${process.pid}`;
  if (mode === 'rootless') {
    // Inside a private mount namespace: a tmpfs on /run/netns lets `ip netns add` work and vanishes on exit.
    const script = `mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns && ip netns add ${ns} && ip netns del ${ns}`;
    const r = await run('unshare', [...USERNS_ARGS, 'sh', '-c', script]);
    return r.ok
      ? { ...base, status: 'ok', detail: 'created and removed a network namespace inside a user namespace' }
      : { ...base, status: 'warn', detail: `cannot create a network namespace in a user namespace: ${r.error}` };
  }
  try {
    const add = await run('ip', ['netns', 'add', ns]);
    if (!add.ok) return { ...base, status: 'warn', detail: `\`ip netns add ${ns}\` failed: ${add.error}` };
    const del = await run('ip', ['netns', 'del', ns]);
    if (!del.ok) return { ...base, status: 'warn', detail: `\`ip netns del ${ns}\` failed: ${del.error}` };
    return { ...base, status: 'ok', detail: `created and removed ${ns}` };
  } finally {
    // Idempotent: fails harmlessly when the namespace is already gone.
    await run('ip', ['netns', 'del', ns]);
  }
}

// Checks every prerequisite of every backend and reports the privilege mode available.
export async function doctor(_opts: { json?: boolean } = {}): Promise<DoctorReport> {
  const bindir = await findPgBindir();
  const [postgres, tools, privilege] = await Promise.all([
    checkPostgres(bindir),
    Promise.all(toolSpecs(bindir).map(checkTool)),
    checkPrivilege(),
  ]);
  const netns = await checkNetns(privilege.mode);
  const byName = new Map<DoctorCheckName, DoctorCheck>(
    [checkNode(), postgres, ...tools, privilege.check, netns].map((c) => [c.name, c]),
  );
  const checks = DOCTOR_CHECKS.map((name) => byName.get(name)).filter((c): c is DoctorCheck => c !== undefined);
  return {
    ok: !checks.some((c) => c.required && c.status === 'missing'),
    privilegeMode: privilege.mode,
    platform: `${process.platform} ${process.arch}`,
    checks,
  };
}


// Renders a report as aligned text lines for the terminal.
export function formatDoctor(report: DoctorReport): string {
  const nameWidth = Math.max(...report.checks.map((c) => c.name.length));
  const lines = [`kdrill doctor (${report.platform}): privilege mode ${report.privilegeMode}`];
  for (const c of report.checks) {
    const optional = c.required ? '' : ', optional';
    const need = c.status === 'ok' ? '' : `  [needed for: ${c.neededFor}${optional}]`;
    const mark = c.status === 'missing' && c.required ? 'MISSING' : c.status;
    lines.push(`  ${mark.padEnd(7)} ${c.name.padEnd(nameWidth)}  ${c.detail}${need}`);
  }
  const missing = report.checks.filter((c) => c.required && c.status === 'missing').map((c) => c.name);
  lines.push(
    missing.length === 0
      ? 'all required prerequisites are present'
      : `missing required prerequisites: ${missing.join(', ')} (run \`bash scripts/setup\` as root)`,
  );
  return lines.join('\n');
}
