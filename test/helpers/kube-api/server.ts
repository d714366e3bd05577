import http, { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { WebSocketServer } from 'ws';
import { managedFieldsJson, recordUpdate, serverSideApply } from './apply.js';
import { nodePortConflicts } from './node-ports.js';
import { isObject, jsonPatch, mergePatch, strategicMergePatch, type Json, type JsonObject } from './patch.js';
import { apiVersionOf, groupList, RESOURCE_TYPES, resourceByKind, resourceByPath, resourceList, type ResourceType } from './resources.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import { alreadyExists, ApiStatus, badRequest, conflict, gone, invalid, notFound, type StatusCause } from './status.js';
import { ObjectStore, type StoredObject, type WatchEvent } from './store.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
}

export interface InjectedFailure {
  readonly method?: string;
  readonly path: RegExp;
  readonly status: number;
  readonly reason: string;
  times: number;
}

export interface KubeTestServerOptions {
  // Schema validation of every object written (422 Invalid with these causes).
  readonly validate?: (object: JsonObject) => StatusCause[];
  // The bearer token every request must carry (401 otherwise).
  readonly token?: string;
  // API groups this server does not serve (Chaos Mesh not installed: ['chaos-mesh.org']).
  readonly withoutGroups?: readonly string[];
}

// What a command run in a pod printed and how it ended, as the test decides.
export type ExecHandler = (namespace: string, pod: string, container: string, command: readonly string[]) => { stdout?: string; stderr?: string; exitCode?: number } | undefined;

type ProxyHandler = (namespace: string, pod: string, port: number, path: string, method: string, body: string) => { status: number; body: string; contentType?: string } | undefined;

const NAMESPACED = RESOURCE_TYPES.filter((t) => t.namespaced);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

interface Route {
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly rest?: string;
}

// An API server for tests that speaks the real REST protocol over HTTP: discovery, paths
// per group/version/namespace, list with selectors and pagination, create (409
// AlreadyExists), update with resourceVersion preconditions (409 Conflict), merge, JSON,
// strategic-merge and server-side-apply patches (415 for strategic merge on custom
// resources, 409 field-manager conflicts), delete with finalizers, watch streams with
// bookmarks and 410 Gone after compaction, 422 Invalid from schema validation and for a
// nodePort another Service holds, evictions that honour PodDisruptionBudgets (429) and the
// pod proxy. Controllers are the test's: it writes status with `put`.
export class KubeTestServer {
  readonly store = new ObjectStore();
  readonly requests: RecordedRequest[] = [];
  private readonly failures: InjectedFailure[] = [];
  private readonly watches = new Set<ServerResponse>();
  private proxyHandler: ProxyHandler = () => undefined;
  private forwardTo: (namespace: string, pod: string, port: number) => { host: string; port: number } | undefined = () => undefined;
  private execHandler: ExecHandler = () => undefined;
  private readonly logs = new Map<string, string>();
  private readonly sockets = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  private server!: Server;
  url = '';

  private constructor(private readonly options: KubeTestServerOptions) {}

  static async start(options: KubeTestServerOptions = {}): Promise<KubeTestServer> {
    const api = new KubeTestServer(options);
    api.server = createServer((req, res) => void api.handle(req, res));
    api.server.on('upgrade', (req, socket, head) => api.upgrade(req, socket as import('node:net').Socket, head));
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  // A kubeconfig whose current context talks to this server.
  kubeConfig(context = 'kind-kdrill', token = this.options.token ?? 'not-checked'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'test', token }],
      contexts: [{ name: context, cluster: 'test', user: 'test' }],
      currentContext: context,
    });
    return kc;
  }

  async close(): Promise<void> {
    this.closeWatches();
    for (const ws of this.sockets.clients) ws.terminate();
    this.sockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // As a controller or kubelet would: writes an object without validation or preconditions.
  put(input: object): JsonObject {
    const object = input as JsonObject;
    const resource = this.resourceOf(object);
    const meta = object.metadata as JsonObject;
    const existing = this.store.get(resource, meta.namespace as string | undefined, meta.name as string);
    return structuredClone(this.store.write(resource, { object: structuredClone(object), managed: existing?.managed ?? [] }));
  }

  object(apiVersion: string, kind: string, namespace: string | undefined, name: string): JsonObject | undefined {
    const resource = resourceByKind(apiVersion, kind);
    if (!resource) throw new Error(`no resource ${apiVersion} ${kind}`);
    const stored = this.store.get(resource, namespace, name);
    return stored ? structuredClone(this.present(stored, resource)) : undefined;
  }

  objects(apiVersion: string, kind: string, namespace?: string): JsonObject[] {
    const resource = resourceByKind(apiVersion, kind);
    if (!resource) throw new Error(`no resource ${apiVersion} ${kind}`);
    return this.store.list(resource, namespace).map((s) => structuredClone(this.present(s, resource)));
  }

  // The next `times` requests matching answer `status` instead (retries, outages).
  failNext(failure: Omit<InjectedFailure, 'times' | 'reason'> & { times?: number; reason?: string }): void {
    this.failures.push({ reason: 'InternalError', times: 1, ...failure });
  }

  // What a pod's container wrote, for pods/log.
  setLog(namespace: string, pod: string, text: string): void {
    this.logs.set(`${namespace}/${pod}`, text);
  }

  onExec(handler: ExecHandler): void {
    this.execHandler = handler;
  }

  // pods/exec over WebSocket (channel protocol v4): stdout on channel 1, stderr on 2, then
  // the Status on 3 (NonZeroExitCode with an ExitCode cause), as the kubelet's streams do.
  private upgrade(req: IncomingMessage, socket: import('node:net').Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.url);
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const command = url.searchParams.getAll('command');
    this.requests.push({ method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    const refuse = (code: number, text: string): void => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!m) return refuse(404, 'Not Found');
    if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) return refuse(401, 'Unauthorized');
    const [, namespace, pod] = m as unknown as [string, string, string];
    if (!this.store.get(resourceByKind('v1', 'Pod')!, namespace, pod)) return refuse(404, 'Not Found');
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      const answer = this.execHandler(namespace, pod, url.searchParams.get('container') ?? '', command);
      const frame = (channel: number, text: string): Buffer => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
      if (!answer) {
        ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', message: `exec: "${command[0]}": executable file not found in $PATH`, reason: 'InternalError', code: 500 })));
      } else {
        if (answer.stdout) ws.send(frame(1, answer.stdout));
        if (answer.stderr) ws.send(frame(2, answer.stderr));
        const exit = answer.exitCode ?? 0;
        const status = exit === 0
          ? { metadata: {}, status: 'Success' }
          : { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exit}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exit) }] } };
        ws.send(frame(3, JSON.stringify(status)));
      }
      ws.close(1000);
    });
  }

  onProxy(handler: ProxyHandler): void {
    this.proxyHandler = handler;
  }

  // Proxied requests to a pod go over HTTP to a real server, as the API server sends them to
  // the pod's IP: `to` gives the address for a pod and port, or undefined for onProxy's answer.
  forwardProxy(to: (namespace: string, pod: string, port: number) => { host: string; port: number } | undefined): void {
    this.forwardTo = to;
  }

  // Ends every watch stream, as an API server does on its own timeout.
  closeWatches(): void {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  // Breaks every watch stream mid-flight, as an API server that dies does (the client reads a
  // premature close, not an end).
  breakWatches(): void {
    for (const res of this.watches) res.socket?.destroy();
    this.watches.clear();
  }

  // Sends every watch an ERROR event with a Status of `code`, then ends it: what the API
  // server does when its watch fails inside (500 for an etcd error, 410 for a compacted version).
  watchError(code: number, reason: string, message: string): void {
    for (const res of this.watches) {
      res.write(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } })}\n`);
      res.end();
    }
    this.watches.clear();
  }

  // Sends a BOOKMARK with the current revision to every watch that asked for bookmarks.
  bookmark(): void {
    for (const res of this.watches) {
      const kind = (res as ServerResponse & { kdrillKind?: [string, string] }).kdrillKind;
      if (kind && !res.writableEnded) res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { apiVersion: kind[0], kind: kind[1], metadata: { resourceVersion: String(this.store.revision) } } })}\n`);
    }
  }

  resourceTypeOf(object: JsonObject): ResourceType {
    return this.resourceOf(object);
  }

  private resourceOf(object: JsonObject): ResourceType {
    const resource = resourceByKind(String(object.apiVersion), String(object.kind));
    if (!resource) throw new Error(`no resource ${String(object.apiVersion)} ${String(object.kind)}`);
    return resource;
  }

  private present(stored: StoredObject, resource: ResourceType): JsonObject {
    const object = structuredClone(stored.object);
    const meta = object.metadata as JsonObject;
    if (stored.managed.length) meta.managedFields = managedFieldsJson(stored.managed, apiVersionOf(resource), String(meta.creationTimestamp));
    return object;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    const contentType = req.headers['content-type']?.split(';')[0];
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ method: req.method ?? 'GET', path, query, ...(contentType ? { contentType } : {}) });
    try {
      const body = await readBody(req);
      if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) throw new ApiStatus(401, 'Unauthorized', 'Unauthorized');
      const failure = this.failures.find((f) => f.times > 0 && f.path.test(path) && (!f.method || f.method === req.method));
      if (failure) {
        failure.times--;
        throw new ApiStatus(failure.status, failure.reason, `injected failure ${failure.status}`);
      }
      const discovery = this.discovery(path);
      if (discovery) return send(res, 200, discovery);
      const route = parseRoute(path);
      if (route && this.options.withoutGroups?.includes(route.resource.group)) throw new ApiStatus(404, 'NotFound', 'the server could not find the requested resource');
      if (!route) throw new ApiStatus(404, 'NotFound', 'the server could not find the requested resource');
      if (req.method === 'GET' && !route.name && (query.watch === 'true' || query.watch === '1')) return this.watch(route, query, res);
      if (route.subresource === 'proxy' && (await this.forward(route, req.method ?? 'GET', url.search, body, res))) return;
      const [status, result] = this.dispatch(req.method ?? 'GET', route, query, contentType, body);
      send(res, status, result);
    } catch (error) {
      if (error instanceof ApiStatus) send(res, error.code, error.toJSON());
      else send(res, 500, new ApiStatus(500, 'InternalError', String(error)).toJSON());
    }
  }

  private discovery(path: string): object | undefined {
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (path === '/version') return { major: '1', minor: '33', gitVersion: 'v1.33.1', gitCommit: '0000000', gitTreeState: 'clean', buildDate: '2025-05-15T00:00:00Z', goVersion: 'go1.24.2', compiler: 'gc', platform: 'linux/amd64' };
    if (path === '/apis') return groupList();
    if (path === '/api/v1') return resourceList('', 'v1');
    const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m && this.options.withoutGroups?.includes(m[1]!)) throw new ApiStatus(404, 'NotFound', 'the server could not find the requested resource');
    return m ? resourceList(m[1]!, m[2]!) : undefined;
  }

  private dispatch(method: string, route: Route, query: Record<string, string>, contentType: string | undefined, body: string): [number, object] {
    const { resource, namespace, name } = route;
    if (route.subresource === 'eviction' && method === 'POST') return this.evict(route);
    if (route.subresource === 'proxy') return this.proxy(route, method, body);
    if (route.subresource === 'log' && method === 'GET') {
      if (!this.store.get(route.resource, route.namespace, route.name!)) throw notFound('pods', route.name!);
      const lines = (this.logs.get(`${route.namespace}/${route.name}`) ?? '').split('\n');
      const tail = query.tailLines ? lines.slice(-Number(query.tailLines)) : lines;
      return [200, new RawBody(tail.join('\n'), 'text/plain')];
    }
    if (route.subresource && route.subresource !== 'status') throw new ApiStatus(404, 'NotFound', `subresource ${route.subresource} is not served here`);
    if (!name) {
      if (method === 'GET') return [200, this.list(route, query)];
      if (method === 'POST') return [201, this.create(resource, namespace, parseBody(body, contentType), query)];
      throw new ApiStatus(405, 'MethodNotAllowed', `${method} is not supported on a collection`);
    }
    const stored = this.store.get(resource, namespace, name);
    switch (method) {
      case 'GET':
        if (!stored) throw notFound(resource.plural, name, resource.group);
        return [200, this.present(stored, resource)];
      case 'PUT':
        return [200, this.replace(route, stored, parseBody(body, contentType), query)];
      case 'PATCH':
        return this.patch(route, stored, body, contentType, query);
      case 'DELETE':
        if (!stored) throw notFound(resource.plural, name, resource.group);
        return [200, this.remove(route, stored)];
      default:
        throw new ApiStatus(405, 'MethodNotAllowed', `${method} is not supported`);
    }
  }

  private list(route: Route, query: Record<string, string>): object {
    const labels = labelMatcher(query.labelSelector);
    const fields = fieldMatcher(query.fieldSelector);
    const all = this.store
      .list(route.resource, route.namespace)
      .filter((s) => labels(((s.object.metadata as JsonObject).labels ?? {}) as Record<string, string>) && fields(s.object))
      .map((s) => this.present(s, route.resource));
    const start = query.continue ? Number(Buffer.from(query.continue, 'base64url').toString()) : 0;
    const limit = query.limit ? Number(query.limit) : all.length;
    const items = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return {
      kind: `${route.resource.kind}List`,
      apiVersion: apiVersionOf(route.resource),
      metadata: { resourceVersion: String(this.store.revision), ...(more ? { continue: Buffer.from(String(start + limit)).toString('base64url') } : {}) },
      items,
    };
  }

  private checkBody(resource: ResourceType, namespace: string | undefined, object: JsonObject, name?: string): void {
    if (object.apiVersion !== apiVersionOf(resource) || object.kind !== resource.kind) {
      throw badRequest(`the API version in the data (${String(object.apiVersion)}) and kind (${String(object.kind)}) do not match ${apiVersionOf(resource)} ${resource.kind}`);
    }
    const meta = (object.metadata ?? {}) as JsonObject;
    if (name !== undefined && meta.name !== undefined && meta.name !== name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    if (meta.namespace !== undefined && namespace !== undefined && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (resource.namespaced && namespace && resource.kind !== 'Namespace' && !this.store.get(resourceByKind('v1', 'Namespace')!, undefined, namespace)) {
      throw notFound('namespaces', namespace);
    }
  }

  // A Secret's stringData is folded into data (base64) on write, as the API server does.
  private normalize(resource: ResourceType, object: JsonObject): void {
    if (resource.kind !== 'Secret' || !isObject(object.stringData)) return;
    const data = { ...((object.data ?? {}) as JsonObject) };
    for (const [k, v] of Object.entries(object.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
    object.data = data;
    delete object.stringData;
  }

  private validate(resource: ResourceType, object: JsonObject): void {
    this.normalize(resource, object);
    const meta = object.metadata as JsonObject;
    const name = String(meta.name ?? '');
    const causes: StatusCause[] = [];
    if (!DNS_SUBDOMAIN.test(name) || name.length > 253) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'` });
    for (const [key, value] of Object.entries((meta.labels ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string' || value.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) causes.push({ field: `metadata.labels`, message: `Invalid value: "${String(value)}" for ${key}` });
    }
    causes.push(...(this.options.validate?.(object) ?? []));
    // Ports are allocated after validation, as by the real server: an invalid Service holds none.
    if (!causes.length && resource.kind === 'Service') causes.push(...nodePortConflicts(this.store.list(resource, undefined).map((s) => s.object), object));
    if (causes.length) throw invalid(resource.kind, name, causes, resource.group);
  }

  private create(resource: ResourceType, namespace: string | undefined, object: JsonObject, query: Record<string, string>): JsonObject {
    this.checkBody(resource, namespace, object);
    const meta = { ...((object.metadata ?? {}) as JsonObject) };
    if (!meta.name && meta.generateName) meta.name = `${String(meta.generateName)}${Math.random().toString(36).slice(2, 7)}`;
    if (!meta.name) throw invalid(resource.kind, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }], resource.group);
    if (resource.namespaced) meta.namespace = namespace ?? 'default';
    for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields']) delete meta[k];
    const candidate = { ...object, metadata: meta };
    if (this.store.get(resource, meta.namespace as string | undefined, meta.name as string)) throw alreadyExists(resource.plural, meta.name as string, resource.group);
    this.validate(resource, candidate);
    if (query.dryRun === 'All') return candidate;
    const managed = recordUpdate([], query.fieldManager ?? 'unknown', undefined, candidate);
    return this.present({ object: this.store.write(resource, { object: candidate, managed }), managed }, resource);
  }

  private replace(route: Route, stored: StoredObject | undefined, object: JsonObject, query: Record<string, string>): JsonObject {
    const { resource, namespace, name } = route;
    if (!stored) throw notFound(resource.plural, name!, resource.group);
    this.checkBody(resource, namespace, object, name);
    const meta: JsonObject = { ...((object.metadata ?? {}) as JsonObject), name: name!, ...(namespace ? { namespace } : {}) };
    const liveMeta = stored.object.metadata as JsonObject;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== liveMeta.resourceVersion) throw conflict(resource.plural, name!, resource.group);
    delete meta.managedFields;
    const candidate: JsonObject = { ...object, metadata: meta };
    if (route.subresource === 'status') candidate.spec = stored.object.spec ?? null;
    return this.commit(route, stored, candidate, recordUpdate(stored.managed, query.fieldManager ?? 'unknown', stored.object, candidate), query);
  }

  private patch(route: Route, stored: StoredObject | undefined, body: string, contentType: string | undefined, query: Record<string, string>): [number, object] {
    const { resource, namespace, name } = route;
    if (contentType === 'application/apply-patch+yaml') {
      if (!query.fieldManager) throw badRequest('PATCH with apply-patch+yaml requires a fieldManager');
      const config = parseBody(body, contentType);
      this.checkBody(resource, namespace, config, name);
      const cfgMeta: JsonObject = { ...((config.metadata ?? {}) as JsonObject), name: name!, ...(namespace ? { namespace } : {}) };
      if (cfgMeta.resourceVersion !== undefined && stored && cfgMeta.resourceVersion !== (stored.object.metadata as JsonObject).resourceVersion) throw conflict(resource.plural, name!, resource.group);
      delete cfgMeta.resourceVersion;
      const applied = serverSideApply(stored?.object, { ...config, metadata: cfgMeta }, stored?.managed ?? [], query.fieldManager, query.force === 'true');
      if (!stored) {
        this.validate(resource, applied.object);
        return [201, this.present({ object: this.store.write(resource, applied), managed: applied.managed }, resource)];
      }
      return [200, this.commit(route, stored, applied.object, applied.managed, query)];
    }
    if (!stored) throw notFound(resource.plural, name!, resource.group);
    let patched: Json;
    const patch = parseBody(body, contentType) as unknown as Json;
    switch (contentType) {
      case 'application/merge-patch+json':
        patched = mergePatch(structuredClone(stored.object), patch);
        break;
      case 'application/json-patch+json':
        patched = jsonPatch(stored.object, patch);
        break;
      case 'application/strategic-merge-patch+json':
        if (resource.group.endsWith('chaos-mesh.org')) {
          throw new ApiStatus(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
        }
        patched = strategicMergePatch(structuredClone(stored.object), patch);
        break;
      default:
        throw new ApiStatus(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
    if (!isObject(patched)) throw badRequest('the patch did not produce an object');
    const meta = patched.metadata as JsonObject;
    const liveMeta = stored.object.metadata as JsonObject;
    if (meta.resourceVersion !== liveMeta.resourceVersion) throw conflict(resource.plural, name!, resource.group);
    if (meta.name !== name || (namespace && meta.namespace !== namespace)) throw badRequest('a patch cannot change the name or namespace of an object');
    delete meta.managedFields;
    return [200, this.commit(route, stored, patched, recordUpdate(stored.managed, query.fieldManager ?? 'unknown', stored.object, patched), query)];
  }

  // Validates and stores an update; an object being deleted goes once its finalizers are gone.
  private commit(route: Route, stored: StoredObject, candidate: JsonObject, managed: StoredObject['managed'], query: Record<string, string>): JsonObject {
    this.validate(route.resource, candidate);
    if (query.dryRun === 'All') return candidate;
    const meta = candidate.metadata as JsonObject;
    meta.deletionTimestamp = (stored.object.metadata as JsonObject).deletionTimestamp ?? null;
    if (meta.deletionTimestamp === null) delete meta.deletionTimestamp;
    if (meta.deletionTimestamp && !(meta.finalizers as Json[] | undefined)?.length) {
      return this.store.remove(route.resource, route.namespace, route.name!)!;
    }
    if (JSON.stringify(candidate) === JSON.stringify(stored.object)) return this.present(stored, route.resource);
    return this.present({ object: this.store.write(route.resource, { object: candidate, managed }), managed }, route.resource);
  }

  private remove(route: Route, stored: StoredObject): object {
    const { resource, namespace, name } = route;
    const meta = stored.object.metadata as JsonObject;
    if ((meta.finalizers as Json[] | undefined)?.length) {
      if (!meta.deletionTimestamp) {
        const object = structuredClone(stored.object);
        (object.metadata as JsonObject).deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        this.store.write(resource, { object, managed: stored.managed });
      }
      return this.present(this.store.get(resource, namespace, name!)!, resource);
    }
    if (resource.kind === 'Namespace') {
      for (const type of NAMESPACED) for (const s of this.store.list(type, name)) this.store.remove(type, name, (s.object.metadata as JsonObject).name as string);
    }
    this.store.remove(resource, namespace, name!);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: resource.group, kind: resource.plural, uid: meta.uid } };
  }

  // An Eviction deletes the pod unless a PodDisruptionBudget selecting it allows no
  // disruption now (its status.disruptionsAllowed, kept by the test as a controller would).
  private evict(route: Route): [number, object] {
    const podType = route.resource;
    const pod = this.store.get(podType, route.namespace, route.name!);
    if (!pod) throw notFound('pods', route.name!);
    const labels = ((pod.object.metadata as JsonObject).labels ?? {}) as Record<string, string>;
    for (const pdb of this.store.list(resourceByKind('policy/v1', 'PodDisruptionBudget')!, route.namespace)) {
      const selector = ((pdb.object.spec as JsonObject | undefined)?.selector as JsonObject | undefined)?.matchLabels as Record<string, string> | undefined;
      if (!selector || !Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
      const allowed = Number(((pdb.object.status ?? {}) as JsonObject).disruptionsAllowed ?? 0);
      if (allowed < 1) {
        throw new ApiStatus(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${String((pdb.object.metadata as JsonObject).name)} needs more healthy pods and has ${allowed} disruptions allowed` }],
        });
      }
    }
    this.store.remove(podType, route.namespace, route.name!);
    return [201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }];
  }

  private async forward(route: Route, method: string, search: string, body: string, res: ServerResponse): Promise<boolean> {
    const [pod, port] = route.name!.split(':');
    const to = this.forwardTo(route.namespace!, pod!, Number(port));
    if (!to) return false;
    if (!this.store.get(route.resource, route.namespace, pod!)) throw notFound('pods', pod!);
    const answer = await new Promise<{ status: number; type: string; body: Buffer }>((resolve, reject) => {
      const request = http.request({ host: to.host, port: to.port, method, path: `/${route.rest ?? ''}${search}` }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 502, type: String(r.headers['content-type'] ?? 'text/plain'), body: Buffer.concat(chunks) }));
        r.on('error', reject);
      });
      request.on('error', reject);
      request.end(body || undefined);
    }).catch((error: unknown) => {
      throw new ApiStatus(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${to.host}:${to.port}: ${(error as Error).message}`);
    });
    res.writeHead(answer.status, { 'content-type': answer.type, 'content-length': answer.body.length });
    res.end(answer.body);
    return true;
  }

  // The pod proxy passes the answer through as the pod gave it (Patroni: JSON or plain text).
  private proxy(route: Route, method: string, body: string): [number, object] {
    const [pod, port] = route.name!.split(':');
    if (!this.store.get(route.resource, route.namespace, pod!)) throw notFound('pods', pod!);
    const answer = this.proxyHandler(route.namespace!, pod!, Number(port), `/${route.rest ?? ''}`, method, body);
    if (!answer) throw new ApiStatus(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${pod}:${port}: connect: connection refused`);
    return [answer.status, new RawBody(answer.body, answer.contentType ?? 'application/json')];
  }

  private watch(route: Route, query: Record<string, string>, res: ServerResponse): void {
    const labels = labelMatcher(query.labelSelector);
    const fields = fieldMatcher(query.fieldSelector);
    const matches = (object: JsonObject | undefined): boolean => !!object && labels(((object.metadata as JsonObject).labels ?? {}) as Record<string, string>) && fields(object);
    const inScope = (event: WatchEvent): boolean => event.resource === route.resource && (route.namespace === undefined || (event.object.metadata as JsonObject).namespace === route.namespace);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const write = (type: string, object: object): void => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const from = query.resourceVersion;
    if (from && from !== '0') {
      const replay = this.store.since(route.resource, Number(from));
      if (!replay) {
        write('ERROR', gone(`too old resource version: ${from} (${this.store.compactedAt})`).toJSON());
        res.end();
        return;
      }
      for (const event of replay.filter(inScope)) this.relay(event, matches, write);
    } else {
      for (const stored of this.store.list(route.resource, route.namespace)) if (matches(stored.object)) write('ADDED', stored.object);
    }
    if (query.allowWatchBookmarks === 'true') (res as ServerResponse & { kdrillKind?: [string, string] }).kdrillKind = [apiVersionOf(route.resource), route.resource.kind];
    this.watches.add(res);
    const unsubscribe = this.store.subscribe((event) => {
      if (inScope(event)) this.relay(event, matches, write);
    });
    res.on('close', () => {
      unsubscribe();
      this.watches.delete(res);
    });
  }

  // A change that takes an object out of the selection reads as DELETED to that watch, and
  // one that brings it in as ADDED, as with a real API server.
  private relay(event: WatchEvent, matches: (o: JsonObject | undefined) => boolean, write: (type: string, object: object) => void): void {
    const now = event.type !== 'DELETED' && matches(event.object);
    const before = matches(event.previous);
    if (event.type === 'DELETED') {
      if (before) write('DELETED', event.object);
    } else if (now) write(before || event.type === 'ADDED' ? event.type : 'ADDED', event.object);
    else if (before) write('DELETED', event.object);
  }
}


function parseRoute(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1]) [group, version, rest] = ['', parts[1], parts.slice(2)];
  else if (parts[0] === 'apis' && parts[1] && parts[2]) [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = resourceByPath(group, version, rest[0] ?? '');
  if (!resource) return undefined;
  if (resource.namespaced === false && namespace) return undefined;
  return {
    resource,
    ...(namespace ? { namespace } : {}),
    ...(rest[1] ? { name: rest[1] } : {}),
    ...(rest[2] ? { subresource: rest[2] } : {}),
    ...(rest.length > 3 ? { rest: rest.slice(3).join('/') } : {}),
  };
}

function parseBody(body: string, contentType: string | undefined): JsonObject {
  if (!body) return {};
  try {
    const parsed: unknown = contentType === 'application/apply-patch+yaml' ? parseYaml(body) : JSON.parse(body);
    if (Array.isArray(parsed)) return parsed as unknown as JsonObject;
    if (!isObject(parsed)) throw new Error('not an object');
    return parsed;
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// A body sent as it is (what a proxied pod answered).
class RawBody {
  constructor(
    readonly text: string,
    readonly contentType: string,
  ) {}
}

function send(res: ServerResponse, status: number, body: object): void {
  const raw = body instanceof RawBody;
  const text = raw ? body.text : JSON.stringify(body);
  res.writeHead(status, { 'content-type': raw ? body.contentType : 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
