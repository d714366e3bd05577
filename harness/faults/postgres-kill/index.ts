import type { FaultDefinition } from '../types.js';
import { PostgresKillParams } from './schema.js';

export const postgresKill: FaultDefinition<typeof PostgresKillParams> = {
  type: 'postgres-kill',
  summary: 'Only the PostgreSQL postmaster of one node signalled, while Patroni and etcd keep running; Patroni restarts it.',
  category: 'process',
  needsNetwork: false,
  params: PostgresKillParams,
  describe: (p) => `send ${p.signal} to PostgreSQL on node ${p.node}`,
};
