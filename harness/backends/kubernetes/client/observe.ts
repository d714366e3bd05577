import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../../../model/duration.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { isStatus, KubeApiError } from './api-error.js';
import type { KubeClient } from './kube-client.js';
import { isTransient } from './retry.js';
import type { CollectionQuery, KubeObject } from './types.js';

export interface ObserveOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  // Named in the timeout error: "pods of postgres to be Ready".
  readonly what: string;
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

// Transient failures of a wait (the API server restarting, as during an etcd restore, a
// connection reset, 429/5xx) are waited out with backoff, this long at most between tries.
const MAX_BACKOFF_MS = 5_000;
const FIRST_BACKOFF_MS = 250;
// A watch that ends this soon with nothing seen is treated as a failure (backoff), so a server
// or proxy that closes every watch at once is not asked again in a tight loop.
const SHORT_WATCH_MS = 1_000;

// A broken stream is transient: it is what a server going away looks like.
const STREAM_BROKEN = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);
function transientWatchError(error: unknown): boolean {
  if (isTransient(error)) return true;
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 4; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && STREAM_BROKEN.has(code)) return true;
    if ((cause as { type?: unknown }).type === 'system') return true; // node-fetch's FetchError for a network failure
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

// An informer in miniature: lists the collection, then watches it from the list's version,
// keeping a copy of every object, until `decide` returns something for the copy. A watch the
// server closed resumes from the last version seen; a version the server no longer has (410
// Gone, as a status or as an ERROR event) means list again. A transient failure of the list
// or the watch (the server restarting) is retried with backoff until the deadline, which then
// names the last failure; anything else (403, 404, an ERROR event of another code) fails at once.
export async function observe<T>(
  client: KubeClient,
  query: CollectionQuery,
  decide: (objects: readonly KubeObject[]) => T | undefined,
  options: ObserveOptions,
): Promise<T> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const objects = new Map<string, KubeObject>();
  let result: T | undefined;
  const settleIfDecided = (): boolean => {
    result = decide([...objects.values()]);
    return result !== undefined;
  };
  let failures = 0;
  let lastFailure: unknown;
  const backoff = async (error: unknown): Promise<void> => {
    lastFailure = error;
    const ms = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** failures++);
    await sleep(ms, undefined, { signal });
  };

  try {
    for (;;) {
      let listed: Awaited<ReturnType<KubeClient['list']>>;
      try {
        listed = await client.list(query);
      } catch (error) {
        if (!transientWatchError(error) || signal.aborted) throw error;
        await backoff(error);
        continue;
      }
      objects.clear();
      for (const item of listed.items) objects.set(keyOf(item), item);
      if (settleIfDecided()) return result as T;
      let version = listed.resourceVersion;
      let relist = false;
      while (!relist) {
        signal.throwIfAborted();
        const watchStop = new AbortController();
        const both = AbortSignal.any([signal, watchStop.signal]);
        // Thrown inside the client library's callback, an error would be lost: kept here.
        let eventError: KubeApiError | undefined;
        let events = 0;
        const began = performance.now();
        try {
          await client.watchOnce(
            query,
            version,
            (type, object) => {
              if (watchStop.signal.aborted) return;
              if (type === 'ERROR') {
                const status = object as unknown as { code?: number; reason?: string; message?: string };
                if (status.code === 410) relist = true;
                else eventError = new KubeApiError(`watch ${query.kind}`, status.code ?? 500, status.reason ?? 'Unknown', status.message ?? 'watch error');
                watchStop.abort();
                return;
              }
              events++;
              version = object.metadata?.resourceVersion ?? version;
              if (type === 'BOOKMARK') return;
              if (type === 'DELETED') objects.delete(keyOf(object));
              else objects.set(keyOf(object), { ...object, apiVersion: query.apiVersion, kind: query.kind });
              if (settleIfDecided()) watchStop.abort();
            },
            both,
          );
        } catch (error) {
          if (isStatus(error, 410)) relist = true;
          else if (transientWatchError(error) && !signal.aborted) {
            await backoff(error);
            // What changed while the server was away is seen by watching from `version` again,
            // or, if the server no longer has it, by the relist its 410 asks for.
            continue;
          } else throw error;
        }
        if (result !== undefined) return result;
        if (eventError) {
          if (!transientWatchError(eventError)) throw eventError;
          await backoff(eventError);
        } else if (!relist && events === 0 && performance.now() - began < SHORT_WATCH_MS) await backoff(new Error('the watch ended at once'));
        else if (events > 0) failures = 0;
      }
    }
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) {
      const last = lastFailure ? `; the last failure: ${(lastFailure as Error).message.split('\n')[0]}` : '';
      throw new KdrillError(ErrorCode.TIMEOUT, `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.what}${last}`, { cause: lastFailure ?? error });
    }
    throw error;
  }
}
