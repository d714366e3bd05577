import path from 'node:path';
import type { ConnectedBackend } from '../backends/types.js';
import { ErrorCode, KdrillError } from '../common/errors.js';
import { dbTargetOf, ensureDatabase } from '../db/target.js';
import type { Clock } from '../engine/clock.js';
import type { StartedLoad } from '../engine/run.js';
import type { LoadSpec } from '../scenario/schema/load.js';
import { LEDGER_FILE, saveLedger } from './ledger/file.js';
import { Ledger } from './ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from './ledger-driver/index.js';
import { preparePgbenchTable, startPgbenchLoad } from './pgbench/driver.js';
import { withWalVolume } from './wal-volume.js';
import { K6_SUMMARY_FILE, k6Installed, startK6Load } from './k6/driver.js';

// The scenario's load on this backend, started; undefined when there is nothing to load
// (driver "none", or a backend without a database, such as the in-memory fake).
export async function startScenarioLoad(spec: LoadSpec, connected: ConnectedBackend, clock: Clock, runDir: string, log: (line: string) => void, maxDurationMs = 3_600_000, database?: string, scenarioFile?: string, runId?: string): Promise<StartedLoad | undefined> {
  if (spec.driver === 'none') return undefined;
  const endpoints = await connected.endpoints();
  const endpoint = dbTargetOf(endpoints);
  if (!endpoint) {
    log(`load: ${endpoints.readWrite} is not a database; running without load`);
    return undefined;
  }
  const target = database ? await ensureDatabase(endpoint, database) : endpoint;
  if (spec.driver === 'pgbench') {
    await preparePgbenchTable(target);
    const running = await withWalVolume(await startPgbenchLoad({ target, rate: spec.rate, concurrency: spec.concurrency, clock, workDir: runDir, maxDurationMs, log }), target);
    log(`load: pgbench, ${spec.rate === 'max' ? 'as fast as possible' : `${spec.rate} inserts/s`}, ${spec.concurrency} clients, through ${target.host}:${target.port}`);
    return { driver: 'pgbench', detail: { rate: spec.rate, concurrency: spec.concurrency, endpoint: `${target.host}:${target.port}` }, running, save: async () => undefined };
  }
  if (spec.driver === 'k6') {
    if (!spec.script) throw new KdrillError(ErrorCode.SCENARIO_INVALID, 'the k6 load driver needs `load.script`');
    const script = scenarioFile ? path.resolve(path.dirname(scenarioFile), spec.script) : path.resolve(spec.script);
    // k6 where kdrill runs when it is installed; otherwise inside the cluster, as a Job.
    if (connected.startK6Job && !(await k6Installed())) {
      const job = await connected.startK6Job({ script, runId: runId ?? path.basename(runDir), rate: spec.rate, concurrency: spec.concurrency, maxDurationMs, database: target.database, clock, log });
      return { driver: 'k6', detail: { script: spec.script, concurrency: spec.concurrency, where: 'a Job in the cluster' }, running: await withWalVolume(job, target), save: async () => undefined };
    }
    const running = await withWalVolume(await startK6Load({ script, target, rate: spec.rate, concurrency: spec.concurrency, clock, runDir, maxDurationMs, log }), target);
    return { driver: 'k6', detail: { script: spec.script, concurrency: spec.concurrency, endpoint: `${target.host}:${target.port}` }, running, save: async () => K6_SUMMARY_FILE };
  }
  if (spec.driver !== 'ledger') {
    throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `the ${spec.driver} load driver is not available in this version`);
  }
  await prepareLedgerTable(target);
  const ledger = new Ledger();
  const running = await withWalVolume(startLedgerLoad({ target, rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, clock, ledger, log }), target);
  log(`load: ledger driver, ${spec.rate === 'max' ? 'as fast as possible' : `${spec.rate} writes/s`}, ${spec.concurrency} connections, through ${target.host}:${target.port}, database ${target.database}`);
  return {
    driver: 'ledger',
    detail: { rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, endpoint: `${target.host}:${target.port}` },
    running,
    ledger,
    save: async () => {
      const file = path.join(runDir, LEDGER_FILE);
      await saveLedger(ledger, file);
      return LEDGER_FILE;
    },
  };
}
