import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalCluster } from '../../harness/backends/local/cluster/handle.js';
import { destroyCluster } from '../../harness/backends/local/cluster/down.js';
import { createCluster } from '../../harness/backends/local/cluster/up.js';
import { PATRONI_PROFILES } from '../../harness/backends/local/config/patroni.js';
import { missingPrograms } from '../../harness/backends/local/privilege.js';
import { loadTopologyFile } from '../../harness/backends/local/topology-file.js';
import { REPO_ROOT } from './cli.js';

// Why the local backend's real-process tests cannot run here, or undefined when they can.
export async function localBackendUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const missing = await missingPrograms();
  return missing.length ? `missing programs: ${missing.join(', ')} (run bash scripts/setup)` : undefined;
}

// A private KDRILL_HOME (traversable by the postgres user), removed afterwards.
export async function privateHome(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kdrill-home-'));
  await chmod(dir, 0o755);
  const previous = process.env['KDRILL_HOME'];
  process.env['KDRILL_HOME'] = dir;
  return {
    path: dir,
    async [Symbol.asyncDispose]() {
      if (previous === undefined) delete process.env['KDRILL_HOME'];
      else process.env['KDRILL_HOME'] = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// A real three-zone cluster with the fast Patroni profile; removed (processes, namespaces,
// links, data) when disposed.
export async function startTestCluster(options: { dcs?: 'etcd' | 'etcd3'; synchronous?: boolean; mode?: 'netns' | 'loopback'; profile?: 'fast' | 'default'; log?: (l: string) => void } = {}): Promise<LocalCluster & AsyncDisposable> {
  const topologyFile = path.join(REPO_ROOT, 'fixtures/topologies/three-zones.yaml');
  const up = await createCluster({
    topology: await loadTopologyFile(topologyFile),
    topologyFile,
    dcs: options.dcs ?? 'etcd',
    timing: PATRONI_PROFILES[options.profile ?? 'fast'],
    synchronous: options.synchronous ?? false,
    mode: options.mode ?? 'netns',
    log: options.log ?? (() => {}),
  });
  const cluster = new LocalCluster(up.state) as LocalCluster & AsyncDisposable;
  cluster[Symbol.asyncDispose] = async () => {
    await destroyCluster(up.state);
  };
  return cluster;
}

// Polls until `predicate` holds; fails with the last observation after `ms`.
export async function eventually<T>(what: string, probe: () => Promise<T>, predicate: (value: T) => boolean, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not reached within ${ms} ms; last: ${JSON.stringify(last)}`);
}
