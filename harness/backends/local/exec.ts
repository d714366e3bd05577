import { execFile } from 'node:child_process';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import { redactText } from '../../common/redact.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
}

// A command that ran and failed (or could not run): the message names the command, its exit
// and the last lines of its stderr; `stderr` keeps all of it (redacted), to tell failures apart.
// Its name stays KdrillError, as journals recorded it before.
export class CommandFailed extends KdrillError {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | string | undefined,
    cause: unknown,
  ) {
    super(ErrorCode.INTERNAL, message, { cause });
  }
}

// Runs one command without a shell; a failure names the command, its exit and its stderr.
export function run(file: string, args: readonly string[], options: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, env: options.env ?? process.env, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          const how = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is not installed' : error.killed ? `timed out after ${options.timeoutMs ?? 30_000}ms` : `exited ${String((error as { code?: unknown }).code)}`;
          const all = redactText(String(stderr).trim());
          const detail = all.split('\n').slice(-3).join(' | ');
          reject(new CommandFailed(`\`${[file, ...args].join(' ')}\` ${how}${detail ? `: ${detail}` : ''}`, all, (error as { code?: number | string }).code, error));
        } else {
          resolve({ stdout: String(stdout), stderr: String(stderr) });
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

// The same command, but a failure is returned instead of thrown (for idempotent teardown).
export async function tryRun(file: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<ExecResult | KdrillError> {
  try {
    return await run(file, args, options);
  } catch (error) {
    return error as KdrillError;
  }
}

// What each tool prints (one whole line of its stderr) when the thing a removal names is not
// there, as iproute2 6.1 says it on Debian bookworm. Only these count as "already gone":
// "Operation not permitted", "Permission denied" or "Device or resource busy" stay failures.
export const ABSENT = {
  // `ip link del <dev>`: no such name ("Cannot find device"; about 1 in 10 times when the
  // veth's peer namespace was deleted just before), or a device that vanished between ip's
  // lookup of the name and its request to the kernel (ENODEV).
  link: [/^Cannot find device ".*"$/, /^RTNETLINK answers: No such device$/],
  // `ip netns del <ns>`: no such namespace file under /run/netns.
  namespace: [/^Cannot remove namespace file ".*": No such file or directory$/],
  // `ip -n <ns> …` or `ip netns exec <ns> …` when <ns> is gone: whatever it held went with it.
  enclosingNamespace: [/^Cannot open network namespace ".*": No such file or directory$/],
  // `ip route del <prefix>`: no such route (ESRCH).
  route: [/^RTNETLINK answers: No such process$/],
  // `ip rule del …`: no such rule (ENOENT).
  rule: [/^RTNETLINK answers: No such file or directory$/],
} as const satisfies Record<string, readonly RegExp[]>;

// Whether a failed command said, in one line of its stderr, that its object does not exist.
export function saysAbsent(error: unknown, absent: readonly RegExp[]): boolean {
  if (!(error instanceof CommandFailed) || error.exitCode === 'ENOENT') return false;
  const lines = error.stderr.split('\n').map((line) => line.trim());
  return lines.some((line) => absent.some((pattern) => pattern.test(line)));
}

// Runs a command that removes something. Done means removed, or already gone in the tool's own
// words (`absent`): teardown races the kernel (a namespace's links vanish asynchronously after
// it is deleted), other teardowns and people. Any other failure is thrown.
export async function removeIgnoringAbsent(file: string, args: readonly string[], absent: readonly RegExp[], options: { timeoutMs?: number } = {}): Promise<'removed' | 'absent'> {
  try {
    await run(file, args, options);
    return 'removed';
  } catch (error) {
    if (saysAbsent(error, absent)) return 'absent';
    throw error;
  }
}

// `ip netns exec <ns> <command…>`: the argv that runs a command inside a node's namespace.
export function inNetns(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

// PostgreSQL (and pgBackRest, and Patroni for it) refuse to run as root: as root, the argv
// that drops to the postgres user first.
export function asPostgres(argv: readonly string[]): string[] {
  return process.getuid?.() === 0 ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', ...argv] : [...argv];
}
