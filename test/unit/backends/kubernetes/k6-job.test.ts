import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import { SUMMARY_MARKER } from '../../../../harness/backends/kubernetes/objects/jobs/k6-job.js';
import { monotonicClock } from '../../../../harness/common/monotonic-clock.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { NS, seedKindCluster, simulateJobController } from '../../../helpers/kube-api/kind-like.js';
import type { JsonObject } from '../../../helpers/kube-api/patch.js';
import type { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { validatingApi } from '../../../helpers/kube-api/validating.js';

let api: KubeTestServer;
let dir: string;
let server: Awaited<ReturnType<typeof validatingApi>>;

beforeEach(async () => {
  server = await validatingApi('kdrill-k6-job-', [['batch/v1', 'Job']]);
  ({ api, dir } = server);
  process.env.KUBECONFIG = server.kubeconfig;
});

afterEach(async () => {
  await server[Symbol.asyncDispose]();
});

describe('kubernetes backend: k6 as a Job', () => {
  it('creates the script ConfigMap and a Job of the stock k6 image, stops k6 with SIGINT, reads its summary from the log, and deletes both', async () => {
    const { passwords } = await seedKindCluster(api);
    // The Job controller and kubelet: a pod for the Job, Running; SIGINT ends it with the summary.
    simulateJobController(api, { name: 'k6', image: 'grafana/k6:1.3.0' }, 'x7k2p');
    const signals: string[] = [];
    api.onExec((_ns, pod, container, command) => {
      signals.push(`${pod}/${container}: ${command.join(' ')}`);
      const summary = { metrics: { http_reqs: { count: 1200, rate: 40 }, http_req_failed: { passes: 12, fails: 1188, value: 0.01 }, http_req_duration: { avg: 8.5 } } };
      api.setLog(NS, pod, `running (0m30s)\n${SUMMARY_MARKER}${JSON.stringify(summary)}\n`);
      const live = api.object('v1', 'Pod', NS, pod)!;
      setImmediate(() => api.put({ ...live, status: { phase: 'Succeeded' } }));
      return { stdout: '' };
    });
    const script = path.join(dir, 'load.js');
    writeFileSync(script, 'export default function () {}\n');
    const target = kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });
    await using connected = await kubernetesBackend.connect(target, { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
    const running = await connected.startK6Job!({ script, runId: 'run-1', rate: 50, concurrency: 4, maxDurationMs: 600_000, database: 'kdrill', clock: monotonicClock(), log: () => {} });
    const job = api.objects('batch/v1', 'Job', NS)[0]!;
    const container = ((job.spec as JsonObject).template as { spec: { containers: { image: string; env: JsonObject[]; command: string[] }[] } }).spec.containers[0]!;
    expect(container.image).toBe('grafana/k6:1.3.0');
    expect(container.command[2]).toContain('k6 run --no-color --quiet --vus 4 --duration 600s --summary-export /tmp/summary.json /scripts/script.js');
    expect(container.env).toContainEqual({ name: 'KDRILL_DB_HOST', value: 'postgres.kdrill-pg.svc' });
    expect(container.env).toContainEqual({ name: 'KDRILL_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-passwords', key: 'superuser-password' } } });
    expect(JSON.stringify([job, ...api.objects('v1', 'ConfigMap', NS)])).not.toContain(passwords.superuser);
    expect((api.objects('v1', 'ConfigMap', NS).find((c) => String((c.metadata as JsonObject).name).startsWith('kdrill-k6'))!.data as JsonObject)['script.js']).toBe('export default function () {}\n');
    const summary = await running.stop();
    expect(signals).toEqual([`${String((job.metadata as JsonObject).name)}-x7k2p/k6: sh -c pkill -INT k6 || true`]);
    expect(summary).toMatchObject({ driver: 'k6', sent: 1200, failed: 12, acked: 1188, meanLatencyMs: 8.5 });
    expect(api.objects('batch/v1', 'Job', NS)).toEqual([]);
    expect(api.objects('v1', 'ConfigMap', NS).map((c) => (c.metadata as JsonObject).name)).toEqual(['postgres-patroni']);
  });
});
