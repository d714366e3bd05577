import { formatDuration } from '../../../common/duration.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { isStatus, KubeApiError } from './api-error.js';
import type { KubeClient } from './kube-client.js';
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

// An informer in miniature: lists the collection, then watches it from the list's version,
// keeping a copy of every object, until `decide` returns something for the copy. A watch the
// server closed resumes from the last version seen; a version the server no longer has (410
// Gone, as a status or as an ERROR event) means list again.
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

  try {
    for (;;) {
      const listed = await client.list(query);
      objects.clear();
      for (const item of listed.items) objects.set(keyOf(item), item);
      if (settleIfDecided()) return result as T;
      let version = listed.resourceVersion;
      let relist = false;
      while (!relist) {
        signal.throwIfAborted();
        const watchStop = new AbortController();
        const both = AbortSignal.any([signal, watchStop.signal]);
        try {
          await client.watchOnce(
            query,
            version,
            (type, object) => {
              if (watchStop.signal.aborted) return;
              if (type === 'ERROR') {
                const status = object as unknown as { code?: number; reason?: string; message?: string };
                if (status.code === 410) relist = true;
                else throw new KubeApiError(`watch ${query.kind}`, status.code ?? 500, status.reason ?? 'Unknown', status.message ?? 'watch error');
                watchStop.abort();
                return;
              }
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
          else throw error;
        }
        if (result !== undefined) return result;
      }
    }
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) {
      throw new KdrillError(ErrorCode.TIMEOUT, `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.what}`, { cause: error });
    }
    throw error;
  }
}
