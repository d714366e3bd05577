import { describe, expect, it } from 'vitest';
import type { ConnectedBackend } from '../../../harness/backends/types.js';
import type { InClusterK6Request, InClusterLedgerRequest } from '../../../harness/load/types.js';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';
import { startScenarioLoad } from '../../../harness/load/start.js';
import { loadSchema, type LoadSpec } from '../../../harness/scenario/schema/load.js';
import type { LoadStartOptions } from '../../../harness/load/driver.js';

// Only what startScenarioLoad touches; `endpoints` fails, so a load in the cluster that
// asked for it would fail the test.
function backend(jobs: { ledger?: InClusterLedgerRequest[]; k6?: InClusterK6Request[] }): ConnectedBackend {
  const stopped = { stats: () => ({ sent: 0, acked: 0, failed: 0, inDoubt: 0, connectFailures: 0 }), stop: async () => ({ driver: 'x', startedAt: 0, stoppedAt: 0, sent: 0, acked: 0, failed: 0, inDoubt: 0, ackedPerSecond: 0, errors: {} }) };
  return {
    endpoints: async () => {
      throw new Error('a load in the cluster must not connect from here');
    },
    ...(jobs.ledger ? { startLedgerJob: async (r: InClusterLedgerRequest) => (jobs.ledger!.push(r), stopped) } : {}),
    ...(jobs.k6 ? { startK6Job: async (r: InClusterK6Request) => (jobs.k6!.push(r), stopped) } : {}),
  } as unknown as ConnectedBackend;
}

const options = (spec: LoadSpec, connected: ConnectedBackend): LoadStartOptions => ({ spec, backend: connected, clock: monotonicClock(), runDir: '/tmp/run-x', log: () => {}, maxDurationMs: 600_000 });

describe('where the load runs', () => {
  it('runs the ledger driver as a Job with runIn: cluster, its outcomes going into the run\'s ledger, without connecting from here', async () => {
    const ledger: InClusterLedgerRequest[] = [];
    const load = await startScenarioLoad({ ...options(loadSchema.parse({ driver: 'ledger', rate: 50, concurrency: 2, writeTimeout: '3s', runIn: 'cluster' }), backend({ ledger })), database: 'kdrill', runId: 'run-7' });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ runId: 'run-7', rate: 50, concurrency: 2, writeTimeoutMs: 3_000, maxDurationMs: 600_000, database: 'kdrill' });
    expect(load?.ledger).toBe(ledger[0]!.ledger);
    expect(load?.detail).toMatchObject({ runIn: 'cluster' });
  });

  it('refuses runIn: cluster on a backend that cannot run a Job', async () => {
    await expect(startScenarioLoad(options(loadSchema.parse({ driver: 'ledger', runIn: 'cluster' }), backend({})))).rejects.toThrow('this backend cannot run the ledger load driver in the cluster');
  });

  it('runs k6 as a Job when k6 is not installed here, and the ledger here when runIn is not given', async () => {
    const k6: InClusterK6Request[] = [];
    const ledger: InClusterLedgerRequest[] = [];
    const previous = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await startScenarioLoad({ ...options(loadSchema.parse({ driver: 'k6', script: 'load.js' }), backend({ k6 })), scenarioFile: '/scenarios/drill.yaml' });
      expect(k6.map((r) => r.script)).toEqual(['/scenarios/load.js']);
      expect(k6[0]!.database).toBe('postgres');
      await expect(startScenarioLoad(options(loadSchema.parse({ driver: 'ledger' }), backend({ ledger })))).rejects.toThrow('a load in the cluster must not connect from here');
      expect(ledger).toEqual([]);
    } finally {
      process.env['PATH'] = previous;
    }
  });
});
