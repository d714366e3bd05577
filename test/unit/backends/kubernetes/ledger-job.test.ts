import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import { LEDGER_DRIVER_FILE } from '../../../../harness/backends/kubernetes/objects/jobs/ledger-job.js';
import { monotonicClock } from '../../../../harness/common/monotonic-clock.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { Ledger } from '../../../../harness/load/ledger/ledger.js';
import { LEDGER_DRIVER_PORT } from '../../../../harness/load/ledger-remote/protocol.js';
import { serveLedgerLoad, type LedgerServer } from '../../../../harness/load/ledger-remote/server.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { fakeRemoteLoad } from '../../../helpers/fake-remote-load.js';
import { NS, seedKindCluster, simulateJobController } from '../../../helpers/kube-api/kind-like.js';
import type { JsonObject } from '../../../helpers/kube-api/patch.js';
import type { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { validatingApi } from '../../../helpers/kube-api/validating.js';

let api: KubeTestServer;
let dir: string;
let server: Awaited<ReturnType<typeof validatingApi>>;

beforeEach(async () => {
  server = await validatingApi('kdrill-ledger-job-', [['batch/v1', 'Job']]);
  ({ api, dir } = server);
  process.env.KUBECONFIG = server.kubeconfig;
});

afterEach(async () => {
  await server[Symbol.asyncDispose]();
});

describe('kubernetes backend: the ledger driver as a Job', () => {
  it('ships the bundled driver in a ConfigMap to a stock Node.js image, reads its writes through the pod proxy into the ledger, and deletes both', async () => {
    const { passwords } = await seedKindCluster(api);
    // The Job controller and kubelet: a pod for the Job, Running; the driver answers on its
    // port (here an in-process server, reached over HTTP as the API server reaches a pod).
    const clock = monotonicClock();
    const drivers: LedgerServer[] = [];
    simulateJobController(api, { name: 'ledger', image: 'node:20-bookworm-slim' }, 'q8z4m');
    drivers.push(await serveLedgerLoad({ clock, port: 0, host: '127.0.0.1', prepare: async () => {}, start: fakeRemoteLoad(clock) }));
    api.forwardProxy((_ns, pod, port) => (pod.startsWith('kdrill-ledger-') && port === LEDGER_DRIVER_PORT ? { host: '127.0.0.1', port: drivers[0]!.port } : undefined));

    const target = kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });
    await using connected = await kubernetesBackend.connect(target, { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
    const ledger = new Ledger();
    const lines: string[] = [];
    try {
      const running = await connected.startLedgerJob!({ runId: 'run-1', rate: 200, concurrency: 4, writeTimeoutMs: 2_000, maxDurationMs: 600_000, database: 'kdrill', clock, ledger, log: (l) => lines.push(l) });
      const job = api.objects('batch/v1', 'Job', NS)[0]!;
      const podSpec = ((job.spec as JsonObject).template as { spec: { containers: { image: string; env: JsonObject[]; command: string[] }[] } }).spec;
      const container = podSpec.containers[0]!;
      expect(container.image).toBe('node:20-bookworm-slim');
      expect(container.command).toEqual(['node', `/driver/${LEDGER_DRIVER_FILE}`]);
      expect(container.env).toContainEqual({ name: 'KDRILL_DB_HOST', value: 'postgres.kdrill-pg.svc' });
      expect(container.env).toContainEqual({ name: 'KDRILL_DB_NAME', value: 'kdrill' });
      expect(container.env).toContainEqual({ name: 'KDRILL_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-passwords', key: 'superuser-password' } } });
      const configMap = api.objects('v1', 'ConfigMap', NS).find((c) => String((c.metadata as JsonObject).name).startsWith('kdrill-ledger'))!;
      const bundle = String((configMap.data as JsonObject)[LEDGER_DRIVER_FILE]);
      // The real driver, bundled with pg: no node_modules in a stock image.
      expect(bundle).toContain('KDRILL_DB_HOST');
      expect(bundle).not.toMatch(/require\("pg"\)/);
      expect(JSON.stringify([job, configMap])).not.toContain(passwords.superuser);
      expect((configMap.metadata as JsonObject).labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kdrill', 'kdrill.dev/run-id': 'run-1' });

      await new Promise((r) => setTimeout(r, 300));
      const summary = await running.stop();
      expect(summary.sent).toBeGreaterThan(10);
      expect(ledger.size).toBe(summary.sent);
      expect(ledger.counts().pending).toBe(0);
      expect(lines.some((l) => /clock aligned to kdrill's within ±\d/.test(l))).toBe(true);
      // Every call went through the pod proxy.
      expect(api.requests.some((r) => r.path.endsWith(`:${LEDGER_DRIVER_PORT}/proxy/events`))).toBe(true);
      expect(api.objects('batch/v1', 'Job', NS)).toEqual([]);
      expect(api.objects('v1', 'ConfigMap', NS).map((c) => (c.metadata as JsonObject).name)).toEqual(['postgres-patroni']);
    } finally {
      for (const d of drivers) await d[Symbol.asyncDispose]();
    }
  });

  it('removes the Job and ConfigMap when the driver cannot prepare the database, with its reason', async () => {
    await seedKindCluster(api);
    const clock = monotonicClock();
    simulateJobController(api, { name: 'ledger', image: 'node:20-bookworm-slim' }, 'q8z4m');
    await using driver = await serveLedgerLoad({ clock, port: 0, host: '127.0.0.1', prepare: async () => Promise.reject(new Error('getaddrinfo ENOTFOUND postgres.kdrill-pg.svc')), start: fakeRemoteLoad(clock) });
    api.forwardProxy(() => ({ host: '127.0.0.1', port: driver.port }));
    const target = kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });
    await using connected = await kubernetesBackend.connect(target, { runId: 'run-2', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
    await expect(connected.startLedgerJob!({ runId: 'run-2', rate: 200, concurrency: 4, writeTimeoutMs: 2_000, maxDurationMs: 600_000, database: 'kdrill', clock, ledger: new Ledger(), log: () => {} })).rejects.toThrow(/could not prepare the database: getaddrinfo ENOTFOUND postgres.kdrill-pg.svc/);
    expect(api.objects('batch/v1', 'Job', NS)).toEqual([]);
    expect(api.objects('v1', 'ConfigMap', NS).map((c) => (c.metadata as JsonObject).name)).toEqual(['postgres-patroni']);
  });
});
