import path from 'node:path';
import type { ConnectedBackend } from '../backends/types.js';
import { ErrorCode, KdrillError } from '../common/errors.js';
import { dbTargetOf, ensureDatabase } from '../db/target.js';
import type { Clock } from '../model/time.js';
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
  const jobRunId = runId ?? path.basename(runDir);
  if (spec.driver === 'k6' && !spec.script) throw new KdrillError(ErrorCode.SCENARIO_INVALID, 'the k6 load driver needs `load.script`');
  const script = spec.script && (scenarioFile ? path.resolve(path.dirname(scenarioFile), spec.script) : path.resolve(spec.script));
  // In the cluster when asked, and k6 also when it is not installed where kdrill runs. The
  // Job reaches the database inside the cluster: nothing here connects to it.
  if (await runsInCluster(spec, connected)) {
    const db = database ?? 'postgres';
    if (spec.driver === 'k6' && connected.startK6Job) {
      const job = await connected.startK6Job({ script: script!, runId: jobRunId, rate: spec.rate, concurrency: spec.concurrency, maxDurationMs, database: db, clock, log });
      return { driver: 'k6', detail: { script: spec.script, concurrency: spec.concurrency, runIn: 'cluster' }, running: job, save: async () => undefined };
    }
    if (spec.driver === 'ledger' && connected.startLedgerJob) {
      const ledger = new Ledger();
      const running = await connected.startLedgerJob({ runId: jobRunId, rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, maxDurationMs, database: db, clock, ledger, log });
      return { driver: 'ledger', detail: { rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, runIn: 'cluster' }, running, ledger, save: saveLedgerIn(ledger, runDir) };
    }
    throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `this backend cannot run the ${spec.driver} load driver in the cluster`);
  }
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
    const running = await withWalVolume(await startK6Load({ script: script!, target, rate: spec.rate, concurrency: spec.concurrency, clock, runDir, maxDurationMs, log }), target);
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
    save: saveLedgerIn(ledger, runDir),
  };
}

async function runsInCluster(spec: LoadSpec, connected: ConnectedBackend): Promise<boolean> {
  if (spec.runIn !== undefined) return spec.runIn === 'cluster';
  return spec.driver === 'k6' && connected.startK6Job !== undefined && !(await k6Installed());
}

function saveLedgerIn(ledger: Ledger, runDir: string): () => Promise<string> {
  return async () => {
    await saveLedger(ledger, path.join(runDir, LEDGER_FILE));
    return LEDGER_FILE;
  };
}
