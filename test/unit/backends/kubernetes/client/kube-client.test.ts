import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../../../harness/backends/kubernetes/client/api-error.js';
import { KubeClient } from '../../../../../harness/backends/kubernetes/client/kube-client.js';
import type { KubeObject } from '../../../../../harness/backends/kubernetes/client/types.js';
import { KubeTestServer } from '../../../../helpers/kube-api/server.js';
import { schemaValidator } from '../../../../helpers/kube-schemas.js';

const NS = 'kdrill-pg';
const TOKEN = 'secret-token-abc123';
let api: KubeTestServer;
let client: KubeClient;

const configMap = (name: string, data: Record<string, string> = { a: '1' }, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels },
  data,
});
const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name });

beforeEach(async () => {
  api = await KubeTestServer.start({
    token: TOKEN,
    validate: await schemaValidator([
      ['apps/v1', 'StatefulSet'],
      ['v1', 'ConfigMap'],
      ['v1', 'Pod'],
    ]),
  });
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  client = new KubeClient(api.kubeConfig(), { retry: { attempts: 3, baseDelayMs: 5 } });
});

afterEach(async () => {
  await api.close();
});

describe('KubeClient reads and writes', () => {
  it('creates through discovery and reads back with a resourceVersion; a missing object is undefined', async () => {
    const created = await client.create(configMap('settings'));
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    const read = await client.get(cmRef('settings'));
    expect(read?.data).toEqual({ a: '1' });
    expect(await client.get(cmRef('absent'))).toBeUndefined();
    expect(api.requests.some((r) => r.method === 'GET' && r.path === '/api/v1')).toBe(true);
    expect(api.requests.find((r) => r.method === 'POST')?.path).toBe(`/api/v1/namespaces/${NS}/configmaps`);
  });

  it('a second create is a 409 AlreadyExists; a create in a missing namespace a 404', async () => {
    await client.create(configMap('settings'));
    const again = await client.create(configMap('settings')).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(KubeApiError);
    expect(again).toMatchObject({ status: 409, reason: 'AlreadyExists' });
    expect((again as Error).message).toContain('create ConfigMap kdrill-pg/settings: 409 AlreadyExists');
    const elsewhere = await client.create({ ...configMap('x'), metadata: { name: 'x', namespace: 'nowhere' } }).catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ status: 404, reason: 'NotFound' });
  });

  it('an error names the call and the server reason, never the bearer token', async () => {
    const stranger = new KubeClient(api.kubeConfig('kind-kdrill', 'wrong'), { retry: { attempts: 1, baseDelayMs: 1 } });
    const error = (await stranger.create(configMap('x')).catch((e: unknown) => e)) as KubeApiError;
    expect(error.status).toBe(401);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain('wrong');
    expect(error.message).toMatch(/^create ConfigMap kdrill-pg\/x: 401 Unauthorized/);
  });

  it('update retries a 409 conflict by reading again, keeping the other writer’s change', async () => {
    await client.create(configMap('settings'));
    let calls = 0;
    const updated = await client.update(cmRef('settings'), (current) => {
      calls++;
      if (calls === 1) {
        // Another writer lands between our read and our write.
        const live = api.object('v1', 'ConfigMap', NS, 'settings')!;
        api.put({ ...live, data: { ...(live.data as object), b: 'theirs' } });
      }
      return { ...current, data: { ...(current.data as object), c: 'ours' } };
    });
    expect(calls).toBe(2);
    expect(updated?.data).toEqual({ a: '1', b: 'theirs', c: 'ours' });
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('update gives up after five conflicts in a row', async () => {
    await client.create(configMap('settings'));
    const error = await client
      .update(cmRef('settings'), (current) => {
        const live = api.object('v1', 'ConfigMap', NS, 'settings')!;
        api.put({ ...live, data: { n: String(Math.random()) } });
        return { ...current, data: { mine: 'x' } };
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 409, reason: 'Conflict' });
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(5);
  });

  it('a merge patch removes a key with null and is sent as application/merge-patch+json', async () => {
    await client.create(configMap('settings', { a: '1', b: '2' }, { keep: 'yes', drop: 'yes' }));
    const patched = await client.mergePatch(cmRef('settings'), { metadata: { labels: { drop: null } }, data: { b: null, c: '3' } });
    expect(patched.metadata.labels).toEqual({ keep: 'yes' });
    expect(patched.data).toEqual({ a: '1', c: '3' });
    expect(api.requests.find((r) => r.method === 'PATCH')?.contentType).toBe('application/merge-patch+json');
  });

  it('server-side apply creates, then names the manager it conflicts with, then forces', async () => {
    const first = await client.apply(configMap('settings', { a: '1', b: '2' }));
    expect(first.data).toEqual({ a: '1', b: '2' });
    // Someone edits a field kdrill applied.
    const edit = await fetch(`${api.url}/api/v1/namespaces/${NS}/configmaps/settings?fieldManager=kubectl-edit`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ data: { a: 'edited' } }),
    });
    expect(edit.status).toBe(200);
    const conflict = (await client.apply(configMap('settings', { a: '1', b: '2' })).catch((e: unknown) => e)) as KubeApiError;
    expect(conflict).toMatchObject({ status: 409, reason: 'Conflict' });
    expect(conflict.message).toContain('conflict with "kubectl-edit": .data.a');
    const forced = await client.apply(configMap('settings', { a: '1', b: '2' }), { force: true });
    expect(forced.data).toEqual({ a: '1', b: '2' });
    const owners = (forced.metadata.managedFields as { manager: string; fieldsV1: Record<string, unknown> }[]).map((m) => [m.manager, Object.keys((m.fieldsV1['f:data'] ?? {}) as object)]);
    expect(owners).toEqual([['kdrill', ['f:a', 'f:b']]]);
    const patches = api.requests.filter((r) => r.method === 'PATCH' && r.query.fieldManager === 'kdrill');
    expect(patches.map((p) => [p.contentType, p.query.force])).toEqual([
      ['application/apply-patch+yaml', 'false'],
      ['application/apply-patch+yaml', 'false'],
      ['application/apply-patch+yaml', 'true'],
    ]);
  });

  it('server-side apply removes a field kdrill applied before and applies no more', async () => {
    await client.apply(configMap('settings', { a: '1', b: '2' }));
    const second = await client.apply(configMap('settings', { a: '1' }));
    expect(second.data).toEqual({ a: '1' });
  });

  it('an object the schema rejects is a 422 Invalid naming the field', async () => {
    const statefulSet: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace: NS },
      spec: { serviceName: 'pg', selector: { matchLabels: { app: 'pg' } }, template: { metadata: { labels: { app: 'pg' } }, spec: { containers: [{ name: 'pg', image: 'postgres', ports: [{ containerPort: 'five' }] }] } } },
    };
    const error = (await client.create(statefulSet).catch((e: unknown) => e)) as KubeApiError;
    expect(error).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(error.causes.map((c) => c.field)).toContain('spec.template.spec.containers.0.ports.0.containerPort');
  });

  it('lists page by page and returns the collection’s resourceVersion', async () => {
    for (let i = 0; i < 1_100; i++) api.put(configMap(`cm-${String(i).padStart(4, '0')}`, {}, { app: i % 2 ? 'odd' : 'even' }));
    const all = await client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS });
    expect(all.items).toHaveLength(1_100);
    expect(all.resourceVersion).toBe(String(api.store.revision));
    const lists = api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/configmaps'));
    expect(lists.map((r) => [r.query.limit, r.query.continue !== undefined])).toEqual([
      ['500', false],
      ['500', true],
      ['500', true],
    ]);
    const odd = await client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, labelSelector: 'app=odd' });
    expect(odd.items).toHaveLength(550);
    expect(odd.items.every((i) => i.kind === 'ConfigMap')).toBe(true);
  });

  it('retries reads on 503, but never a create', async () => {
    await client.create(configMap('settings'));
    api.failNext({ method: 'GET', path: /configmaps\/settings$/, status: 503, reason: 'ServiceUnavailable', times: 2 });
    expect((await client.get(cmRef('settings')))?.data).toEqual({ a: '1' });
    expect(api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/settings'))).toHaveLength(3);
    api.failNext({ method: 'POST', path: /configmaps$/, status: 503, reason: 'ServiceUnavailable' });
    await expect(client.create(configMap('other'))).rejects.toMatchObject({ status: 503 });
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('deletes: true, then false once gone; a finalizer holds the object until removed', async () => {
    await client.create(configMap('settings'));
    expect(await client.delete(cmRef('settings'))).toBe(true);
    expect(await client.delete(cmRef('settings'))).toBe(false);
    await client.create({ ...configMap('held'), metadata: { name: 'held', namespace: NS, finalizers: ['kdrill.dev/test'] } });
    expect(await client.delete(cmRef('held'))).toBe(true);
    expect((await client.get(cmRef('held')))?.metadata.deletionTimestamp).toBeDefined();
    await client.mergePatch(cmRef('held'), { metadata: { finalizers: null } });
    expect(await client.get(cmRef('held'))).toBeUndefined();
  });

  it('an eviction a PodDisruptionBudget forbids is "blocked"; allowed, it removes the pod', async () => {
    api.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'postgres-0', namespace: NS, labels: { app: 'postgres' } }, spec: { containers: [{ name: 'pg', image: 'postgres' }] } });
    api.put({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'postgres', namespace: NS }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'postgres' } } }, status: { disruptionsAllowed: 0 } });
    expect(await client.evict(NS, 'postgres-0')).toBe('blocked');
    const pdb = api.object('policy/v1', 'PodDisruptionBudget', NS, 'postgres')!;
    api.put({ ...pdb, status: { disruptionsAllowed: 1 } });
    expect(await client.evict(NS, 'postgres-0')).toBe('evicted');
    expect(api.object('v1', 'Pod', NS, 'postgres-0')).toBeUndefined();
    expect(await client.evict(NS, 'postgres-0')).toBe('gone');
  });

  it('talks to a pod’s port through the API server proxy: GET retried, POST with a JSON body, errors with the pod’s words', async () => {
    api.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'postgres-1', namespace: NS }, spec: { containers: [{ name: 'pg', image: 'postgres' }] } });
    const seen: string[] = [];
    api.onProxy((ns, pod, port, path, method, body) => {
      seen.push(`${method} ${pod}:${port}${path} ${body}`);
      if (method === 'GET' && path === '/patroni') return { status: 200, body: JSON.stringify({ role: 'replica', ns }) };
      if (method === 'POST' && path === '/switchover') return { status: 412, body: 'candidate name does not match with sync_standby', contentType: 'text/plain' };
      return undefined;
    });
    expect(JSON.parse(await client.proxyRequest('GET', NS, 'postgres-1', 8008, '/patroni'))).toEqual({ role: 'replica', ns: NS });
    await expect(client.proxyRequest('POST', NS, 'postgres-1', 8008, '/switchover', { leader: 'postgres-0', candidate: 'postgres-1' })).rejects.toThrow(
      'POST /switchover on pod kdrill-pg/postgres-1:8008: 412 Unknown: candidate name does not match with sync_standby',
    );
    expect(seen).toEqual(['GET postgres-1:8008/patroni ', 'POST postgres-1:8008/switchover {"leader":"postgres-0","candidate":"postgres-1"}']);
    api.failNext({ method: 'GET', path: /proxy/, status: 503, reason: 'ServiceUnavailable', times: 1 });
    expect(await client.proxyRequest('GET', NS, 'postgres-1', 8008, '/patroni')).toContain('replica');
    await expect(client.proxyRequest('GET', NS, 'postgres-1', 8008, '/nothing')).rejects.toMatchObject({ status: 503 });
  });

  it('runs a command in a pod over the exec WebSocket: output, exit code, and the API’s refusal', async () => {
    api.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'postgres-0', namespace: NS }, spec: { containers: [{ name: 'postgres', image: 'postgres' }] } });
    api.onExec((_ns, _pod, container, command) => {
      if (command.join(' ') === 'sh -c echo hi; echo oops >&2') return { stdout: 'hi\n', stderr: 'oops\n' };
      if (command[0] === 'false') return { exitCode: 3, stderr: 'no luck' };
      return container === 'postgres' ? undefined : { exitCode: 127 };
    });
    expect(await client.exec(NS, 'postgres-0', 'postgres', ['sh', '-c', 'echo hi; echo oops >&2'])).toEqual({ stdout: 'hi\n', stderr: 'oops\n', exitCode: 0 });
    expect(await client.exec(NS, 'postgres-0', 'postgres', ['false'])).toMatchObject({ exitCode: 3, stderr: 'no luck' });
    await expect(client.exec(NS, 'postgres-0', 'postgres', ['nothing'])).rejects.toThrow(/exec `nothing` in kdrill-pg\/postgres-0: 500 InternalError: exec: "nothing": executable file not found/);
    await expect(client.exec(NS, 'postgres-9', 'postgres', ['true'])).rejects.toThrow(/exec `true` in kdrill-pg\/postgres-9/);
    const exec = api.requests.find((r) => r.path.endsWith('/exec'))!;
    expect(exec.query).toMatchObject({ container: 'postgres', stdout: 'true', stderr: 'true', stdin: 'false' });
  });
});
