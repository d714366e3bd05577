import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

// What the real API server cannot be made to do on demand stays here, against the test API
// server: a conflict at a chosen moment, 503s, pods that answer the proxy and exec. The rest
// of the client (discovery, CRUD and their errors, server-side apply, paging, finalizers,
// evictions) runs against a real kube-apiserver: test/integration/kubernetes/api.test.ts.
describe('KubeClient reads and writes', () => {
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

  it('retries reads on 503, but never a create', async () => {
    await client.create(configMap('settings'));
    api.failNext({ method: 'GET', path: /configmaps\/settings$/, status: 503, reason: 'ServiceUnavailable', times: 2 });
    expect((await client.get(cmRef('settings')))?.data).toEqual({ a: '1' });
    expect(api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/settings'))).toHaveLength(3);
    api.failNext({ method: 'POST', path: /configmaps$/, status: 503, reason: 'ServiceUnavailable' });
    await expect(client.create(configMap('other'))).rejects.toMatchObject({ status: 503 });
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
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
