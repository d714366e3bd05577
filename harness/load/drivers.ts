import path from 'node:path';
import { ErrorCode, KdrillError } from '../common/errors.js';
import type { LoadDriver, LoadStartOptions, StartedLoad } from './driver.js';
import { K6_SUMMARY_FILE, k6Installed, startK6Load } from './k6/driver.js';
import { LEDGER_FILE, saveLedger } from './ledger/file.js';
import { Ledger } from './ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from './ledger-driver/index.js';
import { preparePgbenchTable, startPgbenchLoad } from './pgbench/driver.js';
import { withWalVolume } from './wal-volume.js';

const jobRunId = (o: LoadStartOptions): string => o.runId ?? path.basename(o.runDir);
const inClusterDatabase = (o: LoadStartOptions): string => o.database ?? 'postgres';
const rateText = (rate: number | 'max', unit: string): string => (rate === 'max' ? 'as fast as possible' : `${rate} ${unit}/s`);

// The k6 script, resolved against the scenario's directory.
function k6Script(o: LoadStartOptions): string {
  if (!o.spec.script) throw new KdrillError(ErrorCode.SCENARIO_INVALID, 'the k6 load driver needs `load.script`');
  return o.scenarioFile ? path.resolve(path.dirname(o.scenarioFile), o.spec.script) : path.resolve(o.spec.script);
}

function saveLedgerIn(ledger: Ledger, runDir: string): () => Promise<string> {
  return async () => {
    await saveLedger(ledger, path.join(runDir, LEDGER_FILE));
    return LEDGER_FILE;
  };
}

const ledgerDriver: LoadDriver = {
  name: 'ledger',
  async start(target, o) {
    const { spec } = o;
    await prepareLedgerTable(target);
    const ledger = new Ledger();
    const running = await withWalVolume(startLedgerLoad({ target, rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, clock: o.clock, ledger, log: o.log }), target);
    o.log(`load: ledger driver, ${rateText(spec.rate, 'writes')}, ${spec.concurrency} connections, through ${target.host}:${target.port}, database ${target.database}`);
    return { driver: 'ledger', detail: { rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, endpoint: `${target.host}:${target.port}` }, running, ledger, save: saveLedgerIn(ledger, o.runDir) };
  },
  async startInCluster(o) {
    const { spec } = o;
    if (!o.backend.startLedgerJob) throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, 'this backend cannot run the ledger load driver in the cluster');
    const ledger = new Ledger();
    const running = await o.backend.startLedgerJob({ runId: jobRunId(o), rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, maxDurationMs: o.maxDurationMs, database: inClusterDatabase(o), clock: o.clock, ledger, log: o.log });
    return { driver: 'ledger', detail: { rate: spec.rate, concurrency: spec.concurrency, writeTimeoutMs: spec.writeTimeout, runIn: 'cluster' }, running, ledger, save: saveLedgerIn(ledger, o.runDir) };
  },
};

const pgbenchDriver: LoadDriver = {
  name: 'pgbench',
  async start(target, o) {
    const { spec } = o;
    await preparePgbenchTable(target);
    const running = await withWalVolume(await startPgbenchLoad({ target, rate: spec.rate, concurrency: spec.concurrency, clock: o.clock, workDir: o.runDir, maxDurationMs: o.maxDurationMs, log: o.log }), target);
    o.log(`load: pgbench, ${rateText(spec.rate, 'inserts')}, ${spec.concurrency} clients, through ${target.host}:${target.port}`);
    return { driver: 'pgbench', detail: { rate: spec.rate, concurrency: spec.concurrency, endpoint: `${target.host}:${target.port}` }, running, save: async () => undefined };
  },
};

const k6Driver: LoadDriver = {
  name: 'k6',
  async start(target, o) {
    const running = await withWalVolume(await startK6Load({ script: k6Script(o), target, rate: o.spec.rate, concurrency: o.spec.concurrency, clock: o.clock, runDir: o.runDir, maxDurationMs: o.maxDurationMs, log: o.log }), target);
    return { driver: 'k6', detail: { script: o.spec.script, concurrency: o.spec.concurrency, endpoint: `${target.host}:${target.port}` }, running, save: async () => K6_SUMMARY_FILE };
  },
  async startInCluster(o) {
    if (!o.backend.startK6Job) throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, 'this backend cannot run the k6 load driver in the cluster');
    const job = await o.backend.startK6Job({ script: k6Script(o), runId: jobRunId(o), rate: o.spec.rate, concurrency: o.spec.concurrency, maxDurationMs: o.maxDurationMs, database: inClusterDatabase(o), clock: o.clock, log: o.log });
    return { driver: 'k6', detail: { script: o.spec.script, concurrency: o.spec.concurrency, runIn: 'cluster' }, running: job, save: async () => undefined } satisfies StartedLoad;
  },
  // Without k6 where kdrill runs, a backend that can run it as a Job does.
  prefersCluster: async (o) => o.backend.startK6Job !== undefined && !(await k6Installed()),
};

// Every load driver a scenario may name (`load.driver`), by name.
export const LOAD_DRIVERS: ReadonlyMap<LoadDriver['name'], LoadDriver> = new Map([ledgerDriver, pgbenchDriver, k6Driver].map((d) => [d.name, d]));
