import { stringify } from 'yaml';
import { DATA_MOUNT, PATRONI_PORT, PG_PORT, podSelectorLabels, ROLE_LABEL, type PostgresFixtureOptions } from './options.js';

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
      dcs: {
        ttl: o.timing.ttl,
        loop_wait: o.timing.loopWait,
        retry_timeout: o.timing.retryTimeout,
        maximum_lag_on_failover: 1048576,
        synchronous_mode: o.synchronous,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: 'replica',
            hot_standby: 'on',
            max_wal_senders: 10,
            max_replication_slots: 10,
            wal_log_hints: 'on',
            max_connections: 100,
            synchronous_commit: 'on',
          },
        },
      },
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
