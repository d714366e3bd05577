import { Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { redactText } from '../../../common/redact.js';
import { asKubeApiError, KubeApiError } from './api-error.js';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

function collector(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
}

// The exit code from the status the API server sends on the exec's status channel:
// Success is 0, NonZeroExitCode carries the code as its ExitCode cause.
function exitCodeOf(status: V1Status, what: string): number {
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    return Number(cause?.message ?? 1);
  }
  throw new KubeApiError(what, status.code ?? 500, status.reason ?? 'Failure', status.message ?? 'exec failed');
}

// Runs a command in a pod's container over the API server's exec WebSocket (no shell is
// added: pass ['sh', '-c', script] for one) and returns its output and exit code.
export async function execInPod(config: KubeConfig, target: { namespace: string; pod: string; container: string }, command: readonly string[], timeoutMs: number): Promise<ExecResult> {
  const what = `exec \`${command.join(' ').slice(0, 80)}\` in ${target.namespace}/${target.pod}`;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let socket: { close(): void } | undefined;
  const status = await new Promise<V1Status>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket?.close();
      reject(new KdrillError(ErrorCode.TIMEOUT, `${what} did not finish within ${Math.round(timeoutMs / 1000)}s`));
    }, timeoutMs);
    new Exec(config)
      .exec(target.namespace, target.pod, target.container, [...command], collector(out), collector(err), null, false, (s) => {
        clearTimeout(timer);
        resolve(s);
      })
      .then(
        (ws) => {
          socket = ws;
          ws.on('close', () => setTimeout(() => reject(new KdrillError(ErrorCode.STEP_FAILED, `${what}: the connection closed without an exit status`)), 50).unref());
        },
        (error: unknown) => {
          clearTimeout(timer);
          // The WebSocket upgrade was refused: ws reports only the HTTP status.
          const message = String((error as { message?: unknown })?.message ?? error);
          const refused = /Unexpected server response: (\d+)/.exec(message);
          reject(refused ? new KubeApiError(what, Number(refused[1]), Number(refused[1]) === 404 ? 'NotFound' : 'Unknown', message, [], error) : asKubeApiError(error, what));
        },
      );
  });
  const result = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: exitCodeOf(status, what) };
  return result;
}

// The same, but a non-zero exit is an error naming the command and its last stderr lines.
export function requireSuccess(what: string, result: ExecResult): string {
  if (result.exitCode === 0) return result.stdout;
  const tail = redactText(result.stderr.trim().split('\n').slice(-3).join(' | '));
  throw new KdrillError(ErrorCode.STEP_FAILED, `${what} exited ${result.exitCode}${tail ? `: ${tail}` : ''}`);
}
