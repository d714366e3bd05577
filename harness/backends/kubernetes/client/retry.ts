import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError } from './api-error.js';

// Statuses worth another try for a call that changes nothing: the server was busy or a
// connection broke. Anything else (404, 403, 422) will not change by asking again.
const TRANSIENT = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250 };

export function isTransient(error: unknown): boolean {
  if (error instanceof KubeApiError) return TRANSIENT.has(error.status);
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 4; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_NETWORK.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

// Runs an idempotent call, retrying transient failures with exponential backoff.
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error) || signal?.aborted) throw error;
      await sleep(policy.baseDelayMs * 2 ** (attempt - 1), undefined, { signal });
    }
  }
}
