import { stringify } from 'yaml';
import { patroniBootstrapDcs } from '../../../../db/patroni-dcs.js';
import { pgbackrestGlobalSection } from '../../../../backup/pgbackrest-config.js';
import { BACKUP_MOUNT, DATA_MOUNT, PATRONI_PORT, PG_PORT, podSelectorLabels, ROLE_LABEL, STANZA, type PostgresFixtureOptions } from './options.js';

// Patroni's configuration for the pods, without secrets or per-pod values: those come from
// the environment (PATRONI_NAME, PATRONI_KUBERNETES_POD_IP, the passwords from the Secret).
// The Kubernetes DCS keeps the leader key in ConfigMaps (<name>-leader, -config, -sync) and
// labels each pod with its role, which the Services select on.
export function patroniConfig(o: PostgresFixtureOptions): string {
  return stringify({
    scope: o.name,
    kubernetes: {
      use_endpoints: false,
      labels: podSelectorLabels(o),
      scope_label: 'cluster-name',
      role_label: ROLE_LABEL,
    },
    restapi: { listen: `0.0.0.0:${PATRONI_PORT}` },
    bootstrap: {
      // Every WAL segment into the repository (a switch at least each minute): the restore
      // drills replay it.
      dcs: patroniBootstrapDcs(
        o.timing,
        o.synchronous,
        o.backupHostPath ? { archive_mode: 'on', archive_timeout: '60s', archive_command: `pgbackrest --stanza=${STANZA} archive-push %p` } : {},
      ),
      initdb: [{ encoding: 'UTF8' }, 'data-checksums'],
    },
    postgresql: {
      listen: `0.0.0.0:${PG_PORT}`,
      data_dir: `${DATA_MOUNT}/pgdata`,
      bin_dir: '/usr/lib/postgresql/15/bin',
      pgpass: '/tmp/pgpass',
      parameters: { unix_socket_directories: '/tmp' },
      pg_hba: ['local all all trust', 'host replication replicator 0.0.0.0/0 scram-sha-256', 'host all all 0.0.0.0/0 scram-sha-256'],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  });
}

// pgBackRest's configuration in the pods (PGBACKREST_CONFIG points at it): a filesystem
// repository on the shared backup directory, each pod its own pg1.
export function pgbackrestConfig(): string {
  return [
    ...pgbackrestGlobalSection({ repo: `${BACKUP_MOUNT}/repo`, log: '/var/log/pgbackrest', lock: '/tmp/pgbackrest' }),
    '',
    `[${STANZA}]`,
    `pg1-path=${DATA_MOUNT}/pgdata`,
    'pg1-socket-path=/tmp',
    `pg1-port=${PG_PORT}`,
    'pg1-user=postgres',
    '',
  ].join('\n');
}
