import { execFile } from 'node:child_process';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import { redactText } from '../../common/redact.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
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
          const detail = redactText(String(stderr).trim().split('\n').slice(-3).join(' | '));
          reject(new KdrillError(ErrorCode.INTERNAL, `\`${[file, ...args].join(' ')}\` ${how}${detail ? `: ${detail}` : ''}`, { cause: error }));
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

// `ip netns exec <ns> <command…>`: the argv that runs a command inside a node's namespace.
export function inNetns(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

// PostgreSQL (and pgBackRest, and Patroni for it) refuse to run as root: as root, the argv
// that drops to the postgres user first.
export function asPostgres(argv: readonly string[]): string[] {
  return process.getuid?.() === 0 ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', ...argv] : [...argv];
}
