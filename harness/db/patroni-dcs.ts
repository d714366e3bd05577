// The cluster-wide settings Patroni bootstraps every drilled cluster with, on any backend:
// its timing, the failover lag limit, synchronous mode for tier0, and PostgreSQL's
// replication and durability settings.

export interface PatroniTiming {
  readonly ttl: number;
  readonly loopWait: number;
  readonly retryTimeout: number;
}

export function patroniBootstrapDcs(timing: PatroniTiming, synchronous: boolean, parameters: Readonly<Record<string, string | number>> = {}): Record<string, unknown> {
  return {
    ttl: timing.ttl,
    loop_wait: timing.loopWait,
    retry_timeout: timing.retryTimeout,
    maximum_lag_on_failover: 1048576,
    synchronous_mode: synchronous,
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
        // Durability as a tier-0 system would run it: every commit flushed.
        synchronous_commit: 'on',
        fsync: 'on',
        ...parameters,
      },
    },
  };
}
