import path from 'node:path';
import { BackendUnavailableError } from '../../common/errors.js';
import { formatDuration } from '../../model/duration.js';
import { localBackend } from '../../backends/local/index.js';
import { destroyCluster } from '../../backends/local/cluster/down.js';
import { LocalCluster } from '../../backends/local/cluster/handle.js';
import { createCluster } from '../../backends/local/cluster/up.js';
import { PATRONI_PROFILES } from '../../backends/local/config/patroni.js';
import { listClusters } from '../../backends/local/state.js';
import { detectPrivilege } from '../../backends/local/privilege.js';
import { loadTopologyFile } from '../../backends/local/topology-file.js';
import { PACKAGE_ROOT } from '../../scenario/package-root.js';
import { ExitCode } from '../exit-codes.js';
import { kindClusterCommand } from './cluster-kind.js';
import { progressLogger, type Output } from '../output.js';

export interface ClusterOpts {
  backend: string;
  topology?: string;
  dcs?: 'etcd' | 'etcd3';
  profile?: 'fast' | 'default';
  synchronous?: boolean;
  loopback?: boolean;
  json?: boolean;
  ha?: boolean;
  dryRun?: boolean;
}

const DEFAULT_TOPOLOGY = path.join(PACKAGE_ROOT, 'fixtures/topologies/three-zones.yaml');

// Backend lifecycle: up waits for a healthy cluster; down removes everything; both idempotent.
export async function clusterCommand(verb: 'up' | 'down' | 'status', opts: ClusterOpts, output: Output): Promise<number> {
  if (opts.backend === 'kind') return kindClusterCommand(verb, opts, output);
  switch (verb) {
    case 'up':
      return up(opts, output);
    case 'down':
      return down(output);
    case 'status':
      return status(opts, output);
  }
}

async function up(opts: ClusterOpts, output: Output): Promise<number> {
  const log = progressLogger(output);
  const existing = (await listClusters()).filter((c) => c.phase === 'up');
  if (existing.length) {
    output.out(`a local cluster is already up: ${existing.map((c) => c.clusterId).join(', ')} (kdrill cluster status shows it)`);
    return ExitCode.passed;
  }
  await localBackend.preflight!({ backend: 'local', privilege: opts.loopback ? 'loopback' : 'auto' } as never);
  const privilege = await detectPrivilege(opts.loopback ? 'loopback' : 'auto');
  if (privilege.mode === 'userns') {
    throw new BackendUnavailableError('without root, a standing cluster cannot outlive this command', [
      { strategy: 'root', reason: privilege.attempts[0]?.reason ?? 'not root' },
      { strategy: 'unprivileged user namespace', reason: 'available, but its namespaces end with the command that made them' },
    ], { hint: '`kdrill run` builds its own cluster in a user namespace for the length of the drill; or `kdrill cluster up --loopback` for a standing cluster with process faults only' });
  }
  const mode = privilege.mode === 'loopback' ? 'loopback' : 'netns';
  const topologyFile = path.resolve(opts.topology ?? DEFAULT_TOPOLOGY);
  const topology = await loadTopologyFile(topologyFile);
  const result = await createCluster({
    topology,
    topologyFile,
    dcs: opts.dcs ?? 'etcd',
    timing: PATRONI_PROFILES[opts.profile ?? 'default'],
    synchronous: opts.synchronous ?? false,
    mode,
    log,
  });
  output.out(`cluster ${result.state.clusterId} is up in ${formatDuration(result.tookMs)}`);
  output.out(`  read-write  127.0.0.1:${result.plan.ports.readWrite}   read-only 127.0.0.1:${result.plan.ports.readOnly}`);
  output.out(`  state       ${result.state.dir}`);
  return ExitCode.passed;
}

async function down(output: Output): Promise<number> {
  const log = progressLogger(output);
  const clusters = await listClusters();
  if (clusters.length === 0) {
    output.out('no local cluster to remove');
    return ExitCode.passed;
  }
  let problems = 0;
  for (const state of clusters) {
    // Whatever is gone already counts as removed; one cluster's failure does not stop the next.
    const left = await destroyCluster(state, { log }).catch((error: Error) => [error.message]);
    problems += left.length;
    output.out(left.length === 0 ? `cluster ${state.clusterId} removed` : `cluster ${state.clusterId}: could not remove ${left.join('; ')}`);
  }
  return problems === 0 ? ExitCode.passed : ExitCode.cleanupIncomplete;
}

async function status(opts: ClusterOpts, output: Output): Promise<number> {
  const clusters = await listClusters();
  if (clusters.length === 0) {
    output.out(opts.json ? JSON.stringify({ clusters: [] }) : 'no local cluster (kdrill cluster up creates one)');
    return ExitCode.passed;
  }
  const views = [];
  for (const state of clusters) {
    const cluster = new LocalCluster(state);
    if (state.userNamespace) {
      output.out(`cluster ${state.clusterId} (${state.phase}) lives in the user namespace of run ${state.owner?.runId ?? 'unknown'}: not reachable from here`);
      continue;
    }
    const view = await cluster.observe();
    views.push({ clusterId: state.clusterId, phase: state.phase, options: state.options, ports: cluster.plan.ports, ...view });
    if (opts.json) continue;
    const o = state.options;
    output.out(`cluster ${state.clusterId} (${state.phase}; DCS ${o.dcs}; ttl ${o.timing.ttl}s, loop_wait ${o.timing.loopWait}s, retry_timeout ${o.timing.retryTimeout}s; ${o.synchronous ? 'synchronous' : 'asynchronous'})`);
    output.out(`  read-write 127.0.0.1:${cluster.plan.ports.readWrite}  read-only 127.0.0.1:${cluster.plan.ports.readOnly}`);
    output.out(`  ${'zone'.padEnd(6)}${'node'.padEnd(8)}${'address'.padEnd(15)}${'role'.padEnd(9)}${'state'.padEnd(11)}${'timeline'.padEnd(10)}${'streaming'.padEnd(11)}${'lag'.padEnd(10)}etcd`);
    for (const m of view.members) {
      const streaming = m.role === 'replica' ? (m.streaming ? 'yes' : 'no') : '-';
      const lag = m.lagBytes !== undefined ? `${m.lagBytes} B` : '-';
      output.out(`  ${m.zone.padEnd(6)}${m.node.padEnd(8)}${m.address.padEnd(15)}${m.role.padEnd(9)}${(m.state ?? 'down').padEnd(11)}${String(m.timeline ?? '-').padEnd(10)}${streaming.padEnd(11)}${lag.padEnd(10)}${m.etcd}`);
    }
    output.out(view.healthy ? '  healthy' : `  not healthy: ${view.problems.join('; ')}`);
  }
  if (opts.json) output.out(JSON.stringify({ clusters: views }, null, 2));
  return ExitCode.passed;
}
