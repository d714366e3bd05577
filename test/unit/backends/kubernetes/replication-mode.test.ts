import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { NS } from '../../../helpers/kube-api/kind-like.js';
import { startKindLikeServer, type KindLikeServer } from '../../../helpers/kube-api/kind-like-server.js';
import { KubeTestServer } from '../../../helpers/kube-api/server.js';

// Defect 7 beyond the workflow: a tier0 drill against a cluster that replicates asynchronously
// is told so when it connects. What Patroni answers on GET /config is this test's own.
let server: KindLikeServer;
let api: KubeTestServer;
let dir: string;
let config: Record<string, unknown> | undefined;
const asked: string[] = [];

beforeEach(async () => {
  server = await startKindLikeServer('kdrill-k8s-sync-');
  ({ api, dir } = server);
  config = { ttl: 30, loop_wait: 10, synchronous_mode: false, postgresql: { parameters: {} } };
  asked.length = 0;
  api.onProxy((_ns, pod, port, urlPath) => {
    if (urlPath !== '/config') return undefined;
    asked.push(`${pod}:${port}`);
    return config ? { status: 200, body: JSON.stringify(config) } : undefined;
  });
});

afterEach(() => server.close());

async function connectLog(tier: string | undefined): Promise<string[]> {
  const lines: string[] = [];
  const target = kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });
  await using _connected = await kubernetesBackend.connect(target, { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: (l) => lines.push(l), ...(tier ? { tier } : {}) });
  return lines.filter((l) => l.startsWith('warning:'));
}

describe('tier0 against an asynchronous Patroni on Kubernetes', () => {
  it('warns, naming the setting and the way to deploy it synchronous', async () => {
    const warnings = await connectLog('tier0');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`Patroni in ${NS}/postgres replicates asynchronously (synchronous_mode: false)`);
    expect(warnings[0]).toContain('--synchronous');
    expect(asked).toEqual(['postgres-0:8008']);
  });

  it('says nothing when Patroni runs synchronous', async () => {
    config = { ...config, synchronous_mode: true };
    expect(await connectLog('tier0')).toEqual([]);
  });

  it('says what it could not read rather than staying silent', async () => {
    config = undefined;
    const warnings = await connectLog('tier0');
    expect(warnings[0]).toMatch(/^warning: tier0: could not read Patroni's replication mode from kdrill-pg\/postgres-0 \(.*connection refused/);
  });

  it('does not ask for other tiers', async () => {
    expect(await connectLog('tier1')).toEqual([]);
    expect(asked).toEqual([]);
  });
});
