import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../harness/backends/kubernetes/client/api-error.js';
import { KubeClient } from '../../../harness/backends/kubernetes/client/kube-client.js';
import { observe } from '../../../harness/backends/kubernetes/client/observe.js';
import type { KubeObject } from '../../../harness/backends/kubernetes/client/types.js';
import { RealKube, realKubeUnavailable } from '../../helpers/real-kube/cluster.js';
import { unlessSkipped } from '../../helpers/shared-files.js';

// kdrill's KubeClient against a real kube-apiserver: discovery, the CRUD calls and their
// errors, server-side apply and its conflicts, and the watch-based waits, across a restart of
// the API server (what an etcd restore does to every client). No controller-manager: nothing
// here needs one, and its absence keeps the objects exactly as kdrill wrote them.
const NS = 'kdrill-api';

let kube: RealKube;
let client: KubeClient;

const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'kdrill', ...labels } },
  data,
});
const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name });

describe.skipIf(realKubeUnavailable !== undefined)(unlessSkipped('KubeClient against a real API server', realKubeUnavailable), () => {
  beforeAll(async () => {
    kube = await RealKube.start();
    client = kube.client({ retry: { attempts: 2, baseDelayMs: 100 } });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  }, 120_000);

  afterAll(async () => {
    await kube?.stop();
  });

  it('discovers what the server serves, and what it does not', async () => {
    expect(await client.serverVersion()).toBe(kube.binaries.version);
    expect(await client.collectionPath({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: NS })).toBe(`/apis/apps/v1/namespaces/${NS}/statefulsets`);
    expect(await client.serves('v1', 'Pod')).toBe(true);
    expect(await client.serves('policy/v1beta1', 'PodDisruptionBudget')).toBe(true);
    // policy/v1 came in 1.21: a 1.20 server does not serve it, and says so as "not served".
    expect(await client.serves('policy/v1', 'PodDisruptionBudget')).toBe(kube.binaries.minor >= 21);
    expect(await client.serves('chaos-mesh.org/v1alpha1', 'PodChaos')).toBe(false);
  });

  it('creates, gets, lists by label, updates and deletes; a missing object is undefined, a duplicate a 409', async () => {
    const created = await client.create(configMap('crud-1', { a: '1' }, { 'kdrill.dev/run-id': 'run-a' }));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    await client.create(configMap('crud-2', { a: '2' }, { 'kdrill.dev/run-id': 'run-b' }));
    const duplicate = await client.create(configMap('crud-1', { a: '1' })).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(KubeApiError);
    expect(duplicate).toMatchObject({ status: 409, reason: 'AlreadyExists' });

    expect(await client.get(ref('absent'))).toBeUndefined();
    const listed = await client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, labelSelector: 'kdrill.dev/run-id=run-a' });
    expect(listed.items.map((i) => i.metadata.name)).toEqual(['crud-1']);
    expect(Number(listed.resourceVersion)).toBeGreaterThan(0);

    // Read-modify-write: another writer's update in between is a 409 the client redoes.
    let raced = false;
    const updated = await client.update(ref('crud-1'), (current) => {
      if (!raced) {
        raced = true;
        void kube.request('PATCH', `/api/v1/namespaces/${NS}/configmaps/crud-1`, { data: { other: 'x' } }, 'application/merge-patch+json');
      }
      return { ...current, data: { ...(current.data as object), a: 'changed' } };
    });
    expect(updated?.data).toMatchObject({ a: 'changed' });

    const invalid = await client.create(configMap('Not_A_Name', {})).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 422, reason: 'Invalid' });
    expect((invalid as KubeApiError).causes.map((c) => c.field)).toContain('metadata.name');

    expect(await client.delete(ref('crud-1'))).toBe(true);
    expect(await client.delete(ref('crud-1'))).toBe(false);
    expect(await client.get(ref('crud-1'))).toBeUndefined();

    const elsewhere = await client.create({ ...configMap('x', {}), metadata: { name: 'x', namespace: 'nowhere' } }).catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ status: 404, reason: 'NotFound' });
  });

  it('a typed field of the wrong type: the real server refuses it as a 400 at decoding, naming the field', async () => {
    const statefulSet: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace: NS },
      spec: { serviceName: 'pg', selector: { matchLabels: { app: 'pg' } }, template: { metadata: { labels: { app: 'pg' } }, spec: { containers: [{ name: 'pg', image: 'postgres', ports: [{ containerPort: 'five' }] }] } } },
    };
    const error = (await client.create(statefulSet).catch((e: unknown) => e)) as KubeApiError;
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^create StatefulSet kdrill-api\/postgres: 400 BadRequest: .*containerPort/);
  });

  it('an error names the call and the server reason, never the bearer token', async () => {
    const config = kube.kubeConfig();
    const user = config.getCurrentUser()!;
    (user as { token?: string }).token = 'wrong-token-0123456789';
    const stranger = new KubeClient(config, { retry: { attempts: 1, baseDelayMs: 1 } });
    const error = (await stranger.create(configMap('x', {})).catch((e: unknown) => e)) as KubeApiError;
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^create ConfigMap kdrill-api\/x: 401 Unauthorized/);
    for (const secret of ['wrong-token-0123456789', kube.pki.token]) expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(secret);
  });

  it('lists page by page (500 a page) and returns the collection\'s resourceVersion', async () => {
    await Promise.all(Array.from({ length: 4 }, async (_, worker) => {
      for (let i = worker; i < 620; i += 4) await client.create(configMap(`page-${String(i).padStart(4, '0')}`, {}, { page: i % 2 ? 'odd' : 'even' }));
    }));
    const all = await client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, labelSelector: 'page' });
    expect(all.items).toHaveLength(620);
    expect(new Set(all.items.map((i) => i.metadata.name)).size).toBe(620);
    expect(all.items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1')).toBe(true);
    const odd = await client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, labelSelector: 'page=odd' });
    expect(odd.items).toHaveLength(310);
  });

  it('a finalizer holds a deleted object until it is removed', async () => {
    await client.create({ ...configMap('held', {}), metadata: { name: 'held', namespace: NS, finalizers: ['kdrill.dev/test'] } });
    expect(await client.delete(ref('held'))).toBe(true);
    expect((await client.get(ref('held')))?.metadata.deletionTimestamp).toBeDefined();
    await client.mergePatch(ref('held'), { metadata: { finalizers: null } });
    expect(await client.get(ref('held'))).toBeUndefined();
  });

  it('server-side apply: kdrill owns what it set; a field another manager owns is a 409 naming it, unless forced', async () => {
    const applied = await client.apply(configMap('ssa', { mine: '1' }));
    expect(applied.data).toEqual({ mine: '1' });
    const managers = (applied.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}:${m.operation}`);
    expect(managers).toContain('kdrill:Apply');
    // Someone else applies the same field with another value.
    const other = await kube.request('PATCH', `/api/v1/namespaces/${NS}/configmaps/ssa?fieldManager=someone-else&force=true`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { mine: 'theirs' } }, 'application/apply-patch+yaml');
    expect(other.status).toBe(200);
    const conflict = await client.apply(configMap('ssa', { mine: '2' })).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ status: 409, reason: 'Conflict' });
    expect((conflict as Error).message).toContain('someone-else');
    const forced = await client.apply(configMap('ssa', { mine: '2' }), { force: true });
    expect(forced.data).toEqual({ mine: '2' });
    // A field kdrill applied before and applies no more is removed.
    await client.apply(configMap('ssa-prune', { a: '1', b: '2' }));
    expect((await client.apply(configMap('ssa-prune', { a: '1' }))).data).toEqual({ a: '1' });
  });

  it('a watch from a version the server no longer has is a 410, and observe relists past it', async () => {
    const first = await client.create(configMap('old', { n: '0' }));
    const old = first.metadata.resourceVersion!;
    for (let i = 0; i < 20; i++) await client.mergePatch(ref('old'), { data: { n: String(i) } });
    // etcd's history compacted (the API server does so every five minutes), and the API
    // server restarted: its watch cache starts at the newest version, etcd has no older one.
    const compacted = await kube.compactEtcd();
    expect(compacted).toBeGreaterThan(Number(old));
    await kube.stopApiServer();
    await kube.startApiServer();
    const gone = await new Promise<unknown>((resolve) => {
      const stop = new AbortController();
      setTimeout(() => {
        stop.abort();
        resolve('no answer in 15 s');
      }, 15_000).unref();
      client
        .watchOnce({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS }, old, (type, object) => {
          if (type === 'ERROR') {
            resolve(object);
            stop.abort();
          }
        }, stop.signal)
        .then(() => resolve('ended'), resolve);
    });
    // The server says so as a Status: thrown, or as an ERROR event (which this server sends).
    expect(gone).toMatchObject({ code: 410 });
    const seen = await observe(client, { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS }, (all) => all.find((o) => o.metadata.name === 'old' && (o.data as { n: string }).n === '19'), { timeoutMs: 10_000, what: 'the last patch' });
    expect(seen.metadata.name).toBe('old');
  });

  it('a wait outlives an API server restart: the broken watch is watched again, and what changed meanwhile is seen', { timeout: 120_000 }, async () => {
    await client.create(configMap('restart', { phase: 'before' }));
    const waiting = observe(client, { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS }, (all) => all.find((o) => o.metadata.name === 'restart' && (o.data as { phase: string }).phase === 'after'), {
      timeoutMs: 90_000,
      what: 'the ConfigMap to say after',
    });
    let settled: unknown;
    waiting.then((v) => (settled = v), (e: unknown) => (settled = e));
    await sleep(500);
    await kube.stopApiServer();
    // Down for longer than the client's own retries (two attempts, 100 ms apart).
    await sleep(3_000);
    expect(settled, 'the wait is still on while the server is down').toBeUndefined();
    await kube.startApiServer();
    await kube.request('PATCH', `/api/v1/namespaces/${NS}/configmaps/restart`, { data: { phase: 'after' } }, 'application/merge-patch+json');
    const seen = await waiting;
    expect((seen.data as { phase: string }).phase).toBe('after');
  });

  it('a watch the server refuses (403) fails the wait at once with the server\'s words, not a timeout', async () => {
    // A user who may list ConfigMaps but not watch them: the list passes, the watch is refused.
    await client.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'list-only', namespace: NS }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] });
    await client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'list-only', namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'list-only' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kdrill-test-nobody' }],
    });
    const denied = kube.client({ retry: { attempts: 1, baseDelayMs: 10 } }, 'unprivileged');
    expect((await denied.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS })).items.length).toBeGreaterThan(0);
    const started = Date.now();
    const error = await observe(denied, { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS }, () => undefined, { timeoutMs: 20_000, what: 'nothing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect((error as Error).message).toMatch(/^watch ConfigMap: 403 Forbidden/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
