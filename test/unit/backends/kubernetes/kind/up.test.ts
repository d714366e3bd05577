import { Buffer } from 'node:buffer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubeClient } from '../../../../../harness/backends/kubernetes/client/kube-client.js';
import { kindClusterPlan } from '../../../../../harness/backends/kubernetes/kind/plan.js';
import { kindClusterDown, kindClusterUp, type KindEnv } from '../../../../../harness/backends/kubernetes/kind/up.js';
import { kindClusterCommand } from '../../../../../harness/cli/commands/cluster-kind.js';
import { memberPod, NS } from '../../../../helpers/kube-api/kind-like.js';
import { KubeTestServer } from '../../../../helpers/kube-api/server.js';
import { schemaProblems, schemaValidator } from '../../../../helpers/kube-schemas.js';

let api: KubeTestServer;
let commands: string[][];
let lines: string[];
let execs: string[];

// kind, docker and helm cannot run here: the runner records their argv; the API server is
// the test server, where the StatefulSet's pods appear Ready once it is applied.
function envWith(options: { missing?: string[]; clusters?: string } = {}): KindEnv {
  return {
    run: async (argv) => {
      commands.push([...argv]);
      if (argv[1] === 'version' && options.missing?.includes(argv[0]!)) throw new Error(`\`${argv.join(' ')}\` is not installed`);
      if (argv.join(' ') === 'kind get clusters') return options.clusters ?? '';
      return '';
    },
    client: () => new KubeClient(api.kubeConfig('kind-kdrill'), { retry: { attempts: 1, baseDelayMs: 1 } }),
    log: (line) => lines.push(line),
    readyTimeoutMs: 3_000,
  };
}

beforeEach(async () => {
  commands = [];
  lines = [];
  execs = [];
  api = await KubeTestServer.start({
    validate: await schemaValidator([
      ['v1', 'Namespace'], ['v1', 'ServiceAccount'], ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'], ['v1', 'Secret'],
      ['v1', 'ConfigMap'], ['v1', 'Service'], ['policy/v1', 'PodDisruptionBudget'], ['apps/v1', 'StatefulSet'],
    ]),
  });
  api.onExec((_ns, pod, container, command) => {
    execs.push(`${pod}/${container}: ${command.join(' ')}`);
    return { stdout: '' };
  });
  api.store.subscribe((e) => {
    if (e.resource.kind === 'StatefulSet' && e.type === 'ADDED') {
      setImmediate(() => ['kdrill-worker', 'kdrill-worker3', 'kdrill-worker5'].forEach((node, i) => api.put(memberPod(`postgres-${i}`, node, i === 0 ? 'master' : 'replica'))));
    }
  });
});

afterEach(async () => {
  await api.close();
});

describe('kdrill cluster up --backend kind', () => {
  it('creates the cluster, builds and loads the image, installs Chaos Mesh, applies the fixture and waits for one leader', async () => {
    const up = await kindClusterUp(kindClusterPlan({ ha: false, synchronous: false }), envWith());
    expect(up.primary).toBe('postgres-0');
    const run = commands.filter((c) => c[1] !== 'version').map((c) => c.slice(0, 3).join(' '));
    expect(run).toEqual(['kind get clusters', 'docker run --rm', 'kind create cluster', 'docker build --tag', 'kind load docker-image', 'helm repo add', 'helm upgrade --install']);
    expect(commands.find((c) => c[1] === 'run')).toEqual(['docker', 'run', '--rm', '--user', '0', '--volume', '/tmp/kdrill-backups:/backups', 'debian:bookworm-slim', 'sh', '-c', 'rm -rf /backups/repo']);
    expect(execs).toEqual(['postgres-0/postgres: pgbackrest --stanza=kdrill stanza-create']);
    expect(commands.find((c) => c[1] === 'create')).toContain(kindClusterPlan({ ha: false, synchronous: false }).cluster.config);
    expect(commands.find((c) => c[1] === 'upgrade')).toEqual(expect.arrayContaining(['--version', '2.8.3', 'chaosDaemon.runtime=containerd']));
    expect(api.objects('apps/v1', 'StatefulSet', NS).map((s) => s.metadata)).toEqual([expect.objectContaining({ name: 'postgres' })]);
    expect(api.requests.filter((r) => r.method === 'PATCH').every((r) => r.contentType === 'application/apply-patch+yaml' && r.query.force === 'true')).toBe(true);
  });

  it('run again, reuses the cluster and keeps the passwords the pods already use', async () => {
    await kindClusterUp(kindClusterPlan({ ha: false, synchronous: false }), envWith());
    const before = (api.object('v1', 'Secret', NS, 'postgres-passwords')!.data as Record<string, string>)['superuser-password'];
    commands = [];
    await kindClusterUp(kindClusterPlan({ ha: false, synchronous: false }), envWith({ clusters: 'kdrill\n' }));
    expect(commands.some((c) => c[1] === 'create' || c[1] === 'run')).toBe(false);
    expect((api.object('v1', 'Secret', NS, 'postgres-passwords')!.data as Record<string, string>)['superuser-password']).toBe(before);
    expect(Buffer.from(before!, 'base64').toString().length).toBeGreaterThan(20);
  });

  it('names every missing program and touches nothing', async () => {
    await expect(kindClusterUp(kindClusterPlan({ ha: true, synchronous: false }), envWith({ missing: ['kind', 'helm'] }))).rejects.toThrow(/needs kind, helm/);
    expect(commands.every((c) => c[1] === 'version')).toBe(true);
    expect(api.requests).toEqual([]);
  });

  it('--ha uses the three-control-plane config and context kind-kdrill-ha', () => {
    const plan = kindClusterPlan({ ha: true, synchronous: true });
    expect(plan.context).toBe('kind-kdrill-ha');
    expect(plan.commands.create.join(' ')).toMatch(/fixtures\/kind\/kind-config-ha\.yaml/);
    expect(plan.fixture.synchronous).toBe(true);
  });

  it('--dry-run prints the commands and every object, valid against the schemas, with the Secret redacted', async () => {
    const out: string[] = [];
    const code = await kindClusterCommand('up', { dryRun: true }, { out: (l: string) => out.push(l), err: () => {}, isTTY: false } as never, envWith());
    expect(code).toBe(0);
    expect(commands).toEqual([]);
    const text = out.join('\n');
    expect(text).toContain('# $ kind create cluster --config');
    const objects = parseAllDocuments(text).map((d) => d.toJSON() as Record<string, unknown>);
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'Secret', 'ConfigMap', 'Service', 'Service', 'Service', 'PodDisruptionBudget', 'StatefulSet']);
    expect((objects.find((o) => o.kind === 'ConfigMap')!.data as Record<string, string>)['pgbackrest.conf']).toContain('repo1-path=/var/lib/kdrill-backups/repo');
    expect(objects.find((o) => o.kind === 'Secret')!.stringData).toEqual({ 'superuser-password': '<redacted>', 'replication-password': '<redacted>', 'rewind-password': '<redacted>' });
    for (const object of objects) expect(await schemaProblems(object)).toEqual([]);
  });

  it('down deletes the kind cluster, and says so when there is none', async () => {
    const plan = kindClusterPlan({ ha: false, synchronous: false });
    expect(await kindClusterDown(plan, envWith({ clusters: 'kdrill\nother\n' }))).toBe(true);
    expect(commands.slice(-2).map((c) => c.slice(0, 3).join(' '))).toEqual(['kind delete cluster', 'docker run --rm']);
    expect(await kindClusterDown(plan, envWith({ clusters: 'other\n' }))).toBe(false);
  });
});
