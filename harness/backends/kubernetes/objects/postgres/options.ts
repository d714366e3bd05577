// How the PostgreSQL fixture is shaped: names, image, storage and the ports the host uses.
export interface PostgresFixtureOptions {
  readonly namespace: string;
  // The StatefulSet, and the Patroni scope: its pods are <name>-0, -1, -2.
  readonly name: string;
  readonly image: string;
  readonly replicas: number;
  readonly storageSize: string;
  // Unset: the cluster's default StorageClass (kind's local-path).
  readonly storageClassName?: string;
  // NodePorts for the host (kind maps them from the control-plane container); unset: ClusterIP.
  readonly nodePorts?: { readonly readWrite: number; readonly readOnly: number };
  // tier0: Patroni's synchronous mode, so no acknowledged write depends on one pod.
  readonly synchronous: boolean;
  // Patroni timing, as in the local backend's profiles.
  readonly timing: { readonly ttl: number; readonly loopWait: number; readonly retryTimeout: number };
  // A directory on every node that is the same directory for all of them (kind's
  // extraMounts of one host directory): the pgBackRest repository, outside the cluster.
  // Unset: no archiving and no repository (attach your own).
  readonly backupHostPath?: string;
}

// Built from fixtures/kubernetes/image/Dockerfile: Debian bookworm's PostgreSQL 15, Patroni
// and pgBackRest, the same packages the local backend runs.
export const DEFAULT_IMAGE = 'kdrill/postgres-patroni:15-bookworm';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
// Patroni (Kubernetes DCS) labels each pod with its role under this key.
export const ROLE_LABEL = 'role';
// Patroni 3.x writes "master" for the leader; 4.x writes "primary". Both are read as primary.
export const LEADER_ROLE_VALUES = ['master', 'primary'] as const;
export const DATA_MOUNT = '/var/lib/postgresql/data';
export const POSTGRES_CONTAINER = 'postgres';
export const PG_PORT = 5432;
export const PATRONI_PORT = 8008;
export const POSTGRES_UID = 999;
// pgBackRest's stanza, and where the pods see the repository and their configuration.
export const STANZA = 'kdrill';
export const BACKUP_MOUNT = '/var/lib/kdrill-backups';
export const PGBACKREST_CONFIG = '/etc/patroni/pgbackrest.conf';

export const DEFAULT_FIXTURE: Omit<PostgresFixtureOptions, 'namespace'> = {
  name: 'postgres',
  image: DEFAULT_IMAGE,
  replicas: 3,
  storageSize: '2Gi',
  synchronous: false,
  timing: { ttl: 30, loopWait: 10, retryTimeout: 10 },
};

// The labels every object of the fixture carries, and the pods' selector.
export function fixtureLabels(o: Pick<PostgresFixtureOptions, 'name'>): Record<string, string> {
  return { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': o.name, 'app.kubernetes.io/part-of': 'kdrill', 'cluster-name': o.name };
}

export function podSelectorLabels(o: Pick<PostgresFixtureOptions, 'name'>): Record<string, string> {
  return { 'app.kubernetes.io/instance': o.name, 'cluster-name': o.name };
}
