import { stringify } from 'yaml';
import { patroniBootstrapDcs, type PatroniTiming } from '../../../db/patroni-dcs.js';
import type { AddressPlan, NodePlan } from '../address-plan.js';

export type { PatroniTiming };

// The documented profiles. Patroni requires loop_wait + 2 × retry_timeout ≤ ttl.
export const PATRONI_PROFILES: Readonly<Record<'fast' | 'default', PatroniTiming>> = {
  fast: { ttl: 10, loopWait: 2, retryTimeout: 4 },
  default: { ttl: 30, loopWait: 10, retryTimeout: 10 },
};

export interface Credentials {
  readonly superuser: string;
  readonly replication: string;
  readonly rewind: string;
}

export interface PatroniOptions {
  readonly dcs: 'etcd' | 'etcd3';
  readonly timing: PatroniTiming;
  readonly synchronous: boolean;
  readonly binDir: string;
  readonly nodeDir: string; // owned by postgres: data, socket, pgpass
  readonly credentials: Credentials;
  readonly archiveCommand?: string; // WAL archiving into the backup region
  // Bootstrap by restoring a backup instead of initdb (a cluster rebuilt after its loss): the
  // command fills the data directory and leaves pgBackRest's recovery settings, which Patroni
  // keeps; PostgreSQL replays the archive, promotes, and Patroni then takes the leader key.
  readonly bootstrapCommand?: string;
}

export const SCOPE = 'kdrill';
export const PATRONI_PORT = 8008;
export const PG_PORT = 5432;

// Patroni's YAML for one node (holds passwords: written 0600, owned by postgres).
export function patroniConfig(plan: AddressPlan, node: NodePlan, o: PatroniOptions): string {
  const hosts = plan.nodes.map((n) => `${n.address}:2379`).join(',');
  const config = {
    scope: SCOPE,
    namespace: `/kdrill-${plan.clusterId}/`,
    name: node.name,
    restapi: { listen: `${node.address}:${PATRONI_PORT}`, connect_address: `${node.address}:${PATRONI_PORT}` },
    [o.dcs]: { hosts },
    bootstrap: {
      dcs: patroniBootstrapDcs(o.timing, o.synchronous, { shared_buffers: '32MB', ...(o.archiveCommand ? { archive_mode: 'on', archive_timeout: '60s' } : {}) }),
      initdb: [{ encoding: 'UTF8' }, 'data-checksums'],
      ...(o.bootstrapCommand ? { method: 'pgbackrest', pgbackrest: { command: o.bootstrapCommand, keep_existing_recovery_conf: true, no_params: true } } : {}),
    },
    postgresql: {
      listen: `${node.address}:${PG_PORT}`,
      connect_address: `${node.address}:${PG_PORT}`,
      data_dir: `${o.nodeDir}/data`,
      bin_dir: o.binDir,
      pgpass: `${o.nodeDir}/pgpass`,
      authentication: {
        superuser: { username: 'postgres', password: o.credentials.superuser },
        replication: { username: 'replicator', password: o.credentials.replication },
        rewind: { username: 'rewinder', password: o.credentials.rewind },
      },
      // archive_command is per node (it names the node's data directory), so it is local.
      parameters: { unix_socket_directories: o.nodeDir, ...(o.archiveCommand ? { archive_command: o.archiveCommand } : {}) },
      pg_hba: [
        'local all all trust',
        `host replication replicator ${plan.mode === 'netns' ? '198.18.0.0/15' : '127.0.0.0/8'} scram-sha-256`,
        `host all all ${plan.mode === 'netns' ? '198.18.0.0/15' : '127.0.0.0/8'} scram-sha-256`,
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
  return stringify(config);
}
