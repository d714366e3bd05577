import { Buffer } from 'node:buffer';
import { KubeConfig } from '@kubernetes/client-node';
import { BackendUnavailableError } from '../../../common/errors.js';
import { formatDuration } from '../../../model/duration.js';
import { KubeClient } from '../client/kube-client.js';
import type { KubeObject } from '../client/types.js';
import { observe } from '../client/observe.js';
import { roleOfPod } from '../cluster-view.js';
import { atServedVersion } from '../objects/served-version.js';
import { runCommand } from '../nodes/commands.js';
import { generatePasswords, POSTGRES_CONTAINER, SECRET_KEYS, STANZA, type PostgresPasswords } from '../objects/postgres/index.js';
import { requireSuccess } from '../client/exec.js';
import { fixtureObjects, type KindClusterPlan } from './plan.js';
import { conditionTrue } from '../client/conditions.js';

export interface KindEnv {
  readonly run: (argv: readonly string[], options?: { timeoutMs?: number }) => Promise<string>;
  readonly client: (context: string) => KubeClient;
  readonly log: (line: string) => void;
  readonly readyTimeoutMs: number;
}

export const defaultKindEnv = (log: (line: string) => void): KindEnv => ({
  run: (argv, options) => runCommand(argv, options),
  client: (context) => {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    kc.setCurrentContext(context);
    return new KubeClient(kc);
  },
  log,
  readyTimeoutMs: 15 * 60_000,
});

const REQUIRED = ['kind', 'docker', 'helm'] as const;

// Which of kind, docker and helm are missing, each with how to get it.
export async function missingKindPrograms(env: KindEnv): Promise<{ strategy: string; reason: string }[]> {
  const missing: { strategy: string; reason: string }[] = [];
  for (const program of REQUIRED) {
    try {
      await env.run([program, 'version'], { timeoutMs: 20_000 });
    } catch (error) {
      missing.push({ strategy: program, reason: (error as Error).message });
    }
  }
  return missing;
}

// Existing passwords are kept: replacing them under running pods would lock Patroni out.
async function passwordsFor(client: KubeClient, plan: KindClusterPlan): Promise<PostgresPasswords> {
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: plan.fixture.namespace, name: `${plan.fixture.name}-passwords` });
  const data = (secret?.data ?? {}) as Record<string, string>;
  const read = (key: string): string | undefined => (data[key] ? Buffer.from(data[key], 'base64').toString('utf8') : undefined);
  const fresh = generatePasswords();
  return { superuser: read(SECRET_KEYS.superuser) ?? fresh.superuser, replication: read(SECRET_KEYS.replication) ?? fresh.replication, rewind: read(SECRET_KEYS.rewind) ?? fresh.rewind };
}

// kind cluster, image, Chaos Mesh, fixture, then the wait for one leader and every replica
// Ready. Each step is idempotent: running `up` again finishes what a failed run left.
export async function kindClusterUp(plan: KindClusterPlan, env: KindEnv): Promise<{ tookMs: number; primary: string }> {
  const began = performance.now();
  const missing = await missingKindPrograms(env);
  if (missing.length) {
    throw new BackendUnavailableError(`kdrill cluster up --backend kind needs ${missing.map((m) => m.strategy).join(', ')}`, missing, {
      hint: 'install Docker, kind (https://kind.sigs.k8s.io) and helm (https://helm.sh); the GitHub workflow .github/workflows/kind-drill.yml shows one way',
    });
  }
  const clusters = (await env.run(['kind', 'get', 'clusters'])).split('\n').map((l) => l.trim());
  if (clusters.includes(plan.cluster.name)) env.log(`kind cluster ${plan.cluster.name} exists: reusing it`);
  else {
    env.log(`creating kind cluster ${plan.cluster.name} from ${plan.cluster.config}`);
    await env.run(plan.commands.clearBackups, { timeoutMs: 5 * 60_000 });
    await env.run(plan.commands.create, { timeoutMs: 10 * 60_000 });
  }
  env.log(`building ${plan.fixture.image} and loading it into the nodes`);
  await env.run(plan.commands.build, { timeoutMs: 20 * 60_000 });
  await env.run(plan.commands.load, { timeoutMs: 10 * 60_000 });
  env.log('installing Chaos Mesh');
  for (const argv of plan.commands.chaosMesh) await env.run(argv, { timeoutMs: 15 * 60_000 });
  const client = env.client(plan.context);
  env.log(`deploying the PostgreSQL fixture into ${plan.fixture.namespace}`);
  await client.apply(fixtureObjects(plan, generatePasswords())[0]!, { force: true });
  const passwords = await passwordsFor(client, plan);
  for (const object of fixtureObjects(plan, passwords).slice(1)) await client.apply(await atServedVersion(client, object), { force: true });
  env.log(`waiting for ${plan.fixture.replicas} pods of ${plan.fixture.name}: one leader, every replica Ready`);
  const primary = await observe(
    client,
    { apiVersion: 'v1', kind: 'Pod', namespace: plan.fixture.namespace, labelSelector: `cluster-name=${plan.fixture.name}` },
    (pods: readonly KubeObject[]) => {
      const ready = pods.filter((p) => conditionTrue(p, 'Ready'));
      const leaders = ready.filter((p) => roleOfPod(p) === 'primary');
      return ready.length === plan.fixture.replicas && leaders.length === 1 ? leaders[0]!.metadata.name! : undefined;
    },
    { timeoutMs: env.readyTimeoutMs, what: `the ${plan.fixture.name} pods to be Ready with one leader` },
  );
  // The stanza, so that the WAL archive fills from now on (archive-push fails until it exists).
  const stanza = await client.exec(plan.fixture.namespace, primary, POSTGRES_CONTAINER, ['pgbackrest', `--stanza=${STANZA}`, 'stanza-create'], 120_000);
  requireSuccess(`pgbackrest stanza-create in ${primary}`, stanza);
  const tookMs = performance.now() - began;
  env.log(`kind cluster ${plan.cluster.name} is up in ${formatDuration(tookMs)}; ${primary} leads`);
  return { tookMs, primary };
}

export async function kindClusterDown(plan: KindClusterPlan, env: Pick<KindEnv, 'run' | 'log'>): Promise<boolean> {
  const clusters = (await env.run(['kind', 'get', 'clusters']).catch(() => '')).split('\n').map((l) => l.trim());
  if (!clusters.includes(plan.cluster.name)) return false;
  await env.run(['kind', 'delete', 'cluster', '--name', plan.cluster.name], { timeoutMs: 5 * 60_000 });
  await env.run(plan.commands.clearBackups, { timeoutMs: 5 * 60_000 });
  return true;
}
