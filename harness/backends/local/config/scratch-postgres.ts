// The configuration of a restored instance. The restored data directory carries Patroni's
// postgresql.conf and pg_hba.conf from the backup: listening on a cluster member's address and
// archiving into the cluster's repository, which a restore must never do (its new timeline
// would mix with the running cluster's WAL). Both files are replaced; pgBackRest's recovery
// settings stay in postgresql.auto.conf, which PostgreSQL reads after postgresql.conf.
export function scratchPostgresConf(o: { address: string; port: number; socketDir: string }): string {
  return `${[
    '# kdrill restore target: written by kdrill, replaced on every restore',
    `listen_addresses = '${o.address}'`,
    `port = ${o.port}`,
    `unix_socket_directories = '${o.socketDir}'`,
    // At least the backed-up primary's values, or recovery refuses to run as a hot standby.
    'max_connections = 100',
    'max_wal_senders = 10',
    'max_replication_slots = 10',
    'max_worker_processes = 8',
    'max_prepared_transactions = 0',
    'max_locks_per_transaction = 64',
    'wal_level = replica',
    'wal_log_hints = on',
    'hot_standby = on',
    'shared_buffers = 32MB',
    'archive_mode = off',
    "archive_command = ''",
    'synchronous_commit = on',
    'fsync = on',
    'logging_collector = off',
  ].join('\n')}\n`;
}

export function scratchPgHba(network: string): string {
  return ['local all all trust', `host all all ${network} scram-sha-256`, ''].join('\n');
}
