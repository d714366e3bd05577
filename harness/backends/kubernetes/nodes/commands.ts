import { execa } from 'execa';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { redactText } from '../../../common/redact.js';

// Runs one program (kind, docker, kubectl, helm, a cloud CLI) without a shell; a failure
// names the command, how it ended and the last lines of its stderr.
export async function runCommand(argv: readonly string[], options: { timeoutMs?: number; input?: string; env?: Record<string, string> } = {}): Promise<string> {
  const [file, ...args] = argv;
  if (!file) throw new KdrillError(ErrorCode.INTERNAL, 'an empty command');
  const result = await execa(file, args, { reject: false, timeout: options.timeoutMs ?? 120_000, ...(options.input !== undefined ? { input: options.input } : {}), env: options.env ?? {}, stripFinalNewline: true });
  if (result.failed) {
    const how = (result as { code?: string }).code === 'ENOENT' ? 'is not installed' : result.timedOut ? `timed out after ${options.timeoutMs ?? 120_000}ms` : `exited ${result.exitCode ?? result.signal}`;
    const detail = redactText(String(result.stderr ?? '').trim().split('\n').slice(-3).join(' | '));
    throw new KdrillError(ErrorCode.STEP_FAILED, `\`${argv.join(' ')}\` ${how}${detail ? `: ${detail}` : ''}`);
  }
  return String(result.stdout);
}

// A user's node command (`target.nodeCommands`), with `{node}` replaced by the node's name.
export function nodeArgv(template: readonly string[], node: string): string[] {
  return template.map((part) => part.replaceAll('{node}', node));
}
