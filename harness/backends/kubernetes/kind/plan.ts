import path from 'node:path';
import { PACKAGE_ROOT } from '../../../scenario/package-root.js';
import type { KubeObject } from '../client/types.js';
import { DEFAULT_FIXTURE, postgresFixture, type PostgresFixtureOptions, type PostgresPasswords } from '../objects/postgres/index.js';

export const CHAOS_MESH_VERSION = '2.8.3';
export const CHAOS_MESH_NAMESPACE = 'chaos-mesh';
export const FIXTURE_NAMESPACE = 'kdrill-pg';
// Where kind-config.yaml mounts the host's /tmp/kdrill-backups on every node.
export const KIND_BACKUP_DIR = '/var/lib/kdrill-backups';
export const KIND_HOST_BACKUP_DIR = '/tmp/kdrill-backups';
// The NodePorts of restored scratch instances. kind-config.yaml maps each to a host port on
// 127.0.0.1 (30434 to 5434, 30435 to 5435, …). The API server gives a NodePort to one Service at
// a time, so each restore takes the first one no Service holds: a second restore in a run, or
// one beside instances kept with --keep-restored, gets a port of its own.
export const KIND_RESTORE_NODE_PORTS = { first: 30434, count: 4 } as const;
// The first of them: what a dry run shows (the port itself is chosen when the step runs).
export const KIND_RESTORE_NODE_PORT = KIND_RESTORE_NODE_PORTS.first;

// The two kind clusters kdrill knows: the default one (one control plane, six workers in
// three zones) and the HA one (three control-plane nodes: a three-member etcd).
export const KIND_CLUSTERS = {
  default: { name: 'kdrill', config: path.join(PACKAGE_ROOT, 'kind-config.yaml') },
  ha: { name: 'kdrill-ha', config: path.join(PACKAGE_ROOT, 'fixtures/kind/kind-config-ha.yaml') },
} as const;

export interface KindClusterPlan {
  readonly cluster: (typeof KIND_CLUSTERS)[keyof typeof KIND_CLUSTERS];
  readonly context: string;
  readonly fixture: PostgresFixtureOptions;
  readonly commands: { readonly create: string[]; readonly build: string[]; readonly load: string[]; readonly chaosMesh: string[][]; readonly clearBackups: string[] };
}

// Everything `kdrill cluster up --backend kind` will do, as data: printed by --dry-run.
export function kindClusterPlan(options: { ha: boolean; synchronous: boolean }): KindClusterPlan {
  const cluster = options.ha ? KIND_CLUSTERS.ha : KIND_CLUSTERS.default;
  const fixture: PostgresFixtureOptions = { ...DEFAULT_FIXTURE, namespace: FIXTURE_NAMESPACE, nodePorts: { readWrite: 30432, readOnly: 30433 }, synchronous: options.synchronous, backupHostPath: KIND_BACKUP_DIR };
  return {
    cluster,
    context: `kind-${cluster.name}`,
    fixture,
    commands: {
      create: ['kind', 'create', 'cluster', '--config', cluster.config, '--wait', '120s'],
      // The repository of an earlier cluster belongs to another database (its system id):
      // emptied before a new cluster and after `down`. Its files are the pods' (uid 999), so a
      // container removes them.
      clearBackups: ['docker', 'run', '--rm', '--user', '0', '--volume', `${KIND_HOST_BACKUP_DIR}:/backups`, 'debian:bookworm-slim', 'sh', '-c', 'rm -rf /backups/repo'],
      build: ['docker', 'build', '--tag', fixture.image, path.join(PACKAGE_ROOT, 'fixtures/kubernetes/image')],
      load: ['kind', 'load', 'docker-image', fixture.image, '--name', cluster.name],
      // kind nodes run containerd: the chaos daemon talks to its socket.
      chaosMesh: [
        ['helm', 'repo', 'add', 'chaos-mesh', 'https://charts.chaos-mesh.org', '--force-update'],
        [
          'helm', 'upgrade', '--install', 'chaos-mesh', 'chaos-mesh/chaos-mesh',
          '--namespace', CHAOS_MESH_NAMESPACE, '--create-namespace', '--version', CHAOS_MESH_VERSION,
          '--set', 'chaosDaemon.runtime=containerd', '--set', 'chaosDaemon.socketPath=/run/containerd/containerd.sock',
          '--set', 'dashboard.create=false', '--wait', '--timeout', '10m',
        ],
      ],
    },
  };
}

// The fixture's objects with the namespace first, as `up` applies them.
export function fixtureObjects(plan: KindClusterPlan, passwords: PostgresPasswords): KubeObject[] {
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: plan.fixture.namespace, labels: { 'app.kubernetes.io/part-of': 'kdrill' } } };
  return [namespace, ...postgresFixture(plan.fixture, passwords)];
}
