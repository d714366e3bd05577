import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../../harness/backends/kubernetes/client/kube-client.js';
import { observe } from '../../../../../harness/backends/kubernetes/client/observe.js';
import type { KubeObject } from '../../../../../harness/backends/kubernetes/client/types.js';
import { KubeTestServer } from '../../../../helpers/kube-api/server.js';

const NS = 'kdrill-pg';
let api: KubeTestServer;
let client: KubeClient;

const pod = (name: string, ready: boolean, labels: Record<string, string> = { app: 'postgres' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels },
  spec: { containers: [{ name: 'pg', image: 'postgres' }] },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const podQuery = { apiVersion: 'v1', kind: 'Pod', namespace: NS, labelSelector: 'app=postgres' };
const isReady = (p: KubeObject) => ((p.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const allReady = (n: number) => (pods: readonly KubeObject[]) => (pods.length === n && pods.every(isReady) ? pods.map((p) => p.metadata.name).sort() : undefined);

// Waits until the server has a watch open (the observer is past its list).
async function watching(count = 1): Promise<void> {
  while (api.requests.filter((r) => r.query.watch === 'true').length < count) await sleep(5);
}

beforeEach(async () => {
  api = await KubeTestServer.start();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  client = new KubeClient(api.kubeConfig(), { retry: { attempts: 2, baseDelayMs: 5 } });
});

afterEach(async () => {
  await api.close();
});

describe('observe (list, then watch from the list’s version)', () => {
  it('is decided by the list alone when the state already holds', async () => {
    api.put(pod('postgres-0', true));
    expect(await observe(client, podQuery, allReady(1), { timeoutMs: 2_000, what: 'pods' })).toEqual(['postgres-0']);
    expect(api.requests.some((r) => r.query.watch === 'true')).toBe(false);
  });

  it('follows watch events from the list’s resourceVersion until the state holds', async () => {
    api.put(pod('postgres-0', false));
    api.put(pod('postgres-1', true));
    const listedAt = String(api.store.revision);
    const result = observe(client, podQuery, allReady(2), { timeoutMs: 5_000, what: 'pods to be Ready' });
    await watching();
    api.put(pod('other', true, { app: 'else' }));
    api.put(pod('postgres-0', true));
    expect(await result).toEqual(['postgres-0', 'postgres-1']);
    const watch = api.requests.find((r) => r.query.watch === 'true')!;
    expect(watch.query).toMatchObject({ resourceVersion: listedAt, labelSelector: 'app=postgres', allowWatchBookmarks: 'true' });
  });

  it('sees an object leave the selection as a deletion', async () => {
    api.put(pod('postgres-0', true));
    api.put(pod('postgres-1', true));
    const result = observe(client, podQuery, (pods) => (pods.length === 1 ? pods[0]!.metadata.name : undefined), { timeoutMs: 5_000, what: 'one pod' });
    await watching();
    api.put(pod('postgres-1', true, { app: 'moved' }));
    expect(await result).toBe('postgres-0');
  });

  it('resumes from the last version when the server closes the stream, without listing again', async () => {
    api.put(pod('postgres-0', false));
    const result = observe(client, podQuery, allReady(1), { timeoutMs: 5_000, what: 'pods' });
    await watching();
    api.bookmark();
    await sleep(20);
    api.closeWatches();
    await watching(2);
    api.put(pod('postgres-0', true));
    expect(await result).toEqual(['postgres-0']);
    const lists = api.requests.filter((r) => r.path.endsWith('/pods') && r.query.watch === undefined);
    expect(lists).toHaveLength(1);
    const watches = api.requests.filter((r) => r.query.watch === 'true');
    expect(Number(watches[1]!.query.resourceVersion)).toBeGreaterThanOrEqual(Number(watches[0]!.query.resourceVersion));
  });

  it('lists again when its version was compacted away (410 Gone as a watch ERROR event)', async () => {
    api.put(pod('postgres-0', false));
    const result = observe(client, podQuery, allReady(1), { timeoutMs: 5_000, what: 'pods' });
    await watching();
    // The stream breaks; meanwhile the pod changes and etcd compacts past the version held.
    api.closeWatches();
    api.put(pod('postgres-0', true));
    api.store.compact();
    expect(await result).toEqual(['postgres-0']);
    const lists = api.requests.filter((r) => r.path.endsWith('/pods') && r.query.watch === undefined);
    expect(lists.length).toBeGreaterThanOrEqual(2);
  });

  it('lists again when the watch request itself answers 410 Gone', async () => {
    api.put(pod('postgres-0', false));
    const result = observe(client, podQuery, allReady(1), { timeoutMs: 5_000, what: 'pods' });
    await watching();
    api.failNext({ method: 'GET', path: /\/pods$/, status: 410, reason: 'Expired' });
    api.closeWatches();
    await watching(2);
    api.put(pod('postgres-0', true));
    expect(await result).toEqual(['postgres-0']);
    const lists = api.requests.filter((r) => r.path.endsWith('/pods') && r.query.watch === undefined);
    expect(lists).toHaveLength(2);
  });

  it('watches again when the stream breaks (the API server went away mid-stream), and sees what changed', async () => {
    api.put(pod('postgres-0', false));
    const result = observe(client, podQuery, allReady(1), { timeoutMs: 5_000, what: 'pods' });
    await watching();
    api.breakWatches();
    api.put(pod('postgres-0', true));
    expect(await result).toEqual(['postgres-0']);
    expect(api.requests.filter((r) => r.query.watch === 'true').length).toBeGreaterThanOrEqual(2);
  });

  it('waits out an API server that refuses connections, with backoff, until it answers again', async () => {
    api.put(pod('postgres-0', false));
    const result = observe(client, podQuery, allReady(1), { timeoutMs: 8_000, what: 'pods' });
    await watching();
    // Every list and watch fails for a while (more than the client's own two attempts).
    api.failNext({ method: 'GET', path: /\/pods$/, status: 503, reason: 'ServiceUnavailable', times: 4 });
    api.breakWatches();
    await sleep(300);
    api.put(pod('postgres-0', true));
    expect(await result).toEqual(['postgres-0']);
  });

  it('a watch ERROR event of 500 (an etcd failure inside the server) is watched past; one of 403 fails the wait at once', async () => {
    api.put(pod('postgres-0', false));
    const result = observe(client, podQuery, allReady(1), { timeoutMs: 5_000, what: 'pods' });
    await watching();
    api.watchError(500, 'InternalError', 'etcdserver: leader changed');
    await watching(2);
    api.put(pod('postgres-0', true));
    expect(await result).toEqual(['postgres-0']);

    const refused = observe(client, podQuery, allReady(2), { timeoutMs: 10_000, what: 'pods' });
    const watches = api.requests.filter((r) => r.query.watch === 'true').length;
    await watching(watches + 1);
    const started = Date.now();
    api.watchError(403, 'Forbidden', 'pods is forbidden: User "kdrill" cannot watch resource "pods"');
    await expect(refused).rejects.toThrow(/watch Pod: 403 Forbidden: pods is forbidden/);
    // The server's words at once, not a timeout ten seconds later.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('times out naming what it waited for', async () => {
    api.put(pod('postgres-0', false));
    await expect(observe(client, podQuery, allReady(1), { timeoutMs: 300, what: 'postgres pods to be Ready' })).rejects.toThrow(/timed out after 300ms waiting for postgres pods to be Ready/);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const result = observe(client, podQuery, allReady(3), { timeoutMs: 5_000, what: 'pods', signal: controller.signal });
    await watching();
    controller.abort(new Error('drill aborted'));
    await expect(result).rejects.toThrow();
  });
});
