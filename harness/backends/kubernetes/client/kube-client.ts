import { CoreV1Api, KubeConfig, PatchStrategy, VersionApi, Watch } from '@kubernetes/client-node';
import { asKubeApiError, isStatus, KubeApiError } from './api-error.js';
import { PathAwareObjectApi, type ObjectCalls } from './object-api.js';
import { podProxyRequest, proxyBody, type ProxyAnswer } from './proxy.js';
import { execInPod, type ExecResult } from './exec.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { describeRef, refOf, type CollectionQuery, type KubeObject, type ObjectRef } from './types.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';

// Server-side apply records kdrill as the owner of every field it sets.
export const FIELD_MANAGER = 'kdrill';
// Read-modify-write loses a race when another writer updated the object in between (409):
// read again and redo the change, a few times.
const CONFLICT_ATTEMPTS = 5;
const PAGE_SIZE = 500;

export interface KubeClientOptions {
  readonly retry?: RetryPolicy;
  // A dry run's client: anything but a read throws before a request is sent.
  readonly readOnly?: boolean;
}

export interface ListResult {
  readonly items: KubeObject[];
  // The collection's version: a watch from here misses nothing.
  readonly resourceVersion: string;
}

// Every call kdrill makes to an API server goes through here: the REST path comes from
// discovery, failures become KubeApiError, idempotent reads retry transient failures, and
// updates retry on conflict.
export class KubeClient {
  readonly config: KubeConfig;
  private readonly objects: ObjectCalls;
  private readonly core: CoreV1Api;
  private readonly retry: RetryPolicy;

  constructor(config: KubeConfig, options: KubeClientOptions = {}) {
    this.config = config;
    this.objects = config.makeApiClient(PathAwareObjectApi) as unknown as ObjectCalls;
    this.core = config.makeApiClient(CoreV1Api);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.readOnly = options.readOnly ?? false;
  }

  private readonly readOnly: boolean;

  // A read-only client refuses every change, so a dry run cannot write even by mistake.
  private writing(what: string): void {
    if (this.readOnly) throw new KdrillError(ErrorCode.INTERNAL, `a read-only (dry-run) client refused to ${what}: a dry run never changes the cluster`);
  }

  // The object, or undefined when it does not exist.
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await withRetry(() => this.call(`get ${describeRef(ref)}`, () => this.objects.read(header(ref))), this.retry);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  // Every object of the collection, page by page, with the version to watch from.
  async list(query: CollectionQuery): Promise<ListResult> {
    const items: KubeObject[] = [];
    let next: string | undefined;
    let resourceVersion = '';
    do {
      const page = await withRetry(
        () =>
          this.call(`list ${query.kind}${query.namespace ? ` in ${query.namespace}` : ''}`, () =>
            this.objects.list(query.apiVersion, query.kind, query.namespace, undefined, undefined, undefined, query.fieldSelector, query.labelSelector, PAGE_SIZE, next),
          ),
        this.retry,
      );
      for (const item of page.items) items.push({ ...(item as KubeObject), apiVersion: query.apiVersion, kind: query.kind });
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      next = page.metadata?._continue || undefined;
    } while (next);
    return { items, resourceVersion };
  }

  async create(object: KubeObject): Promise<KubeObject> {
    this.writing(`create ${object.kind} ${object.metadata?.name ?? ''}`);
    return this.call(`create ${describeRef(refOf(object))}`, () => this.objects.create(clone(object), undefined, undefined, FIELD_MANAGER));
  }

  // Server-side apply: creates or updates the fields kdrill owns. Without `force` a field
  // another manager owns is a 409 conflict, reported with that manager's name.
  async apply(object: KubeObject, options: { force?: boolean } = {}): Promise<KubeObject> {
    this.writing(`apply ${object.kind} ${object.metadata?.name ?? ''}`);
    const body = clone(object);
    delete body.metadata.resourceVersion;
    return this.call(`apply ${describeRef(refOf(object))}`, () =>
      this.objects.patch(body, undefined, undefined, FIELD_MANAGER, options.force ?? false, PatchStrategy.ServerSideApply),
    );
  }

  // JSON merge patch (RFC 7386): a null removes a key; a list is replaced whole.
  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    this.writing(`patch ${ref.kind} ${ref.name}`);
    const body = { ...patch, apiVersion: ref.apiVersion, kind: ref.kind, metadata: { ...((patch.metadata as object | undefined) ?? {}), name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
    return this.call(`patch ${describeRef(ref)}`, () => this.objects.patch(body, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch));
  }

  // Read, change, replace with the version read; on a 409 conflict, read again and redo.
  // `change` returns undefined when nothing needs changing; the result is then what was read.
  async update(ref: ObjectRef, change: (current: KubeObject) => KubeObject | undefined): Promise<KubeObject | undefined> {
    this.writing(`update ${ref.kind} ${ref.name}`);
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(ref);
      if (!current) return undefined;
      const changed = change(clone(current));
      if (!changed) return current;
      try {
        return await this.call(`update ${describeRef(ref)}`, () => this.objects.replace(changed, undefined, undefined, FIELD_MANAGER));
      } catch (error) {
        if (!isStatus(error, 409) || attempt >= CONFLICT_ATTEMPTS) throw error;
      }
    }
  }

  // Deletes the object; false when it was already gone.
  async delete(ref: ObjectRef, options: { gracePeriodSeconds?: number; propagation?: 'Foreground' | 'Background' | 'Orphan' } = {}): Promise<boolean> {
    this.writing(`delete ${ref.kind} ${ref.name}`);
    try {
      await withRetry(
        () => this.call(`delete ${describeRef(ref)}`, () => this.objects.delete(header(ref), undefined, undefined, options.gracePeriodSeconds, undefined, options.propagation ?? 'Background')),
        this.retry,
      );
      return true;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw error;
    }
  }

  // Asks for a pod's eviction, which honours its PodDisruptionBudget: 'blocked' when the
  // budget allows no disruption now (429), 'gone' when the pod no longer exists.
  // The Eviction is policy/v1 (1.22+); a server that does not know that version says so with
  // a 400, and gets (from then on) the policy/v1beta1 Eviction it has, with the same fields.
  async evict(namespace: string, pod: string): Promise<'evicted' | 'blocked' | 'gone'> {
    this.writing(`evict ${namespace}/${pod}`);
    const send = (apiVersion: string) =>
      this.call(`evict pod ${namespace}/${pod}`, () => this.core.createNamespacedPodEviction({ name: pod, namespace, body: { apiVersion, kind: 'Eviction', metadata: { name: pod, namespace } } }));
    try {
      try {
        await send(this.evictionVersion);
      } catch (error) {
        if (this.evictionVersion !== 'policy/v1' || !isStatus(error, 400) || !/no kind "Eviction" is registered for version "policy\/v1"/.test((error as Error).message)) throw error;
        this.evictionVersion = 'policy/v1beta1';
        await send(this.evictionVersion);
      }
      return 'evicted';
    } catch (error) {
      if (isStatus(error, 429)) return 'blocked';
      if (isStatus(error, 404)) return 'gone';
      throw error;
    }
  }

  private evictionVersion: 'policy/v1' | 'policy/v1beta1' = 'policy/v1';

  // A request to a pod's port through the API server's proxy (Patroni's REST API), no
  // port-forward: its body, or the error a non-2xx answer means. Reads retry transient
  // failures; a POST is sent once.
  async proxyRequest(method: 'GET' | 'POST', namespace: string, pod: string, port: number, path: string, body?: unknown): Promise<string> {
    const once = async (): Promise<string> => proxyBody(`${method} ${path} on pod ${namespace}/${pod}:${port}`, await this.podRequest(method, namespace, pod, port, path, { body }));
    return method === 'GET' ? withRetry(once, this.retry) : once();
  }

  // One request to a pod's port through the API server, its answer whatever the status: for
  // callers that tell the pod's own refusals from the proxy's. Never retried.
  async podRequest(method: 'GET' | 'POST', namespace: string, pod: string, port: number, path: string, options: { body?: unknown; timeoutMs?: number } = {}): Promise<ProxyAnswer> {
    if (method !== 'GET') this.writing(`${method} ${path} on pod ${namespace}/${pod}`);
    try {
      return await podProxyRequest(this.config, { method, namespace, pod, port, path, body: options.body, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    } catch (error) {
      throw asKubeApiError(error, `${method} ${path} on pod ${namespace}/${pod}:${port}`);
    }
  }

  // Runs a command in a pod's container (pods/exec over WebSocket); never retried.
  async exec(namespace: string, pod: string, container: string, command: readonly string[], timeoutMs = 60_000): Promise<ExecResult> {
    this.writing(`exec in ${namespace}/${pod}`);
    return execInPod(this.config, { namespace, pod, container }, command, timeoutMs);
  }

  // The last lines a pod's container wrote (pods/log), for the evidence of a failure.
  async podLog(namespace: string, pod: string, container: string, tailLines = 20): Promise<string> {
    return withRetry(() => this.call(`log of ${namespace}/${pod}`, () => this.core.readNamespacedPodLog({ name: pod, namespace, container, tailLines })), this.retry);
  }

  // The API server's version (GET /version), like "v1.33.1".
  async serverVersion(): Promise<string> {
    const info = await withRetry(() => this.call('GET /version', () => this.config.makeApiClient(VersionApi).getCode()), this.retry);
    return info.gitVersion;
  }

  // Whether the API server serves this kind at all (a CRD installed, an API group enabled).
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    try {
      await this.objects.collectionPath(apiVersion, kind);
      return true;
    } catch (error) {
      if (error instanceof Error && /Unrecognized API version and kind/.test(error.message)) return false;
      if (isStatus(asKubeApiError(error, 'discover'), 404)) return false;
      throw asKubeApiError(error, `discover ${apiVersion} ${kind}`);
    }
  }

  async collectionPath(query: CollectionQuery): Promise<string> {
    return this.call(`discover ${query.apiVersion} ${query.kind}`, () => this.objects.collectionPath(query.apiVersion, query.kind, query.namespace));
  }

  // One watch request from `resourceVersion`: calls `onEvent` per event until the server
  // closes the stream (resolves) or the request fails (rejects). The caller re-lists on 410.
  async watchOnce(
    query: CollectionQuery,
    resourceVersion: string,
    onEvent: (type: string, object: KubeObject) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const path = await this.collectionPath(query);
    const params: Record<string, string | boolean> = { resourceVersion, allowWatchBookmarks: true };
    if (query.labelSelector) params.labelSelector = query.labelSelector;
    if (query.fieldSelector) params.fieldSelector = query.fieldSelector;
    await new Promise<void>((resolve, reject) => {
      let controller: AbortController | undefined;
      let settled = false;
      const settle = (error: unknown): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', stop);
        if (error && !signal.aborted) reject(asKubeApiError(error, `watch ${query.kind}`));
        else resolve();
      };
      // The request may still wait for the server's headers: settle now, abort it once it exists.
      const stop = (): void => {
        controller?.abort();
        settle(undefined);
      };
      signal.addEventListener('abort', stop, { once: true });
      new Watch(this.config)
        .watch(path, params, (type, object) => onEvent(type, object as KubeObject), settle)
        .then((c) => {
          controller = c;
          if (signal.aborted) c.abort();
        }, settle);
    });
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw asKubeApiError(error, what);
    }
  }
}

function header(ref: ObjectRef): KubeObject {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

export { KubeApiError };
