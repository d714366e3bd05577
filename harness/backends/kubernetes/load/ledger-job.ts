import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { bundleLedgerDriver } from '../../../load/ledger-remote/bundle.js';
import { startRemoteLedgerLoad, waitPrepared, type ClockAlignment, type DriverTransport } from '../../../load/ledger-remote/client.js';
import { LEDGER_DRIVER_PORT } from '../../../load/ledger-remote/protocol.js';
import type { RetimableLedger, RunningLoad } from '../../../load/types.js';
import type { KubeClient } from '../client/kube-client.js';
import { CONFIG_MAP_LIMIT, ledgerDriverConfigMap, ledgerDriverJob } from '../objects/jobs/ledger-job.js';
import { objectName, runLabels, runHash } from '../objects/labels.js';
import { startLoadJob, type LoadJobRequest } from './job-pod.js';

export interface LedgerJobRequest extends LoadJobRequest {
  readonly writeTimeoutMs: number;
  readonly ledger: RetimableLedger;
  readonly bundle?: string; // the bundled driver, when already built
}

export interface StartedLedgerJob extends RunningLoad {
  readonly job: string;
  readonly alignment: ClockAlignment;
}

// The ledger driver as a Job from a stock Node.js image: the driver bundled into a ConfigMap,
// the pod reached through the API server's pod proxy for its clock and its events, which are
// replayed into the run's ledger on kdrill's clock. The Job and ConfigMap are deleted when
// the load stops, and when it fails to start.
export async function startLedgerJob(client: KubeClient, request: LedgerJobRequest): Promise<StartedLedgerJob> {
  const name = objectName('kdrill-ledger', runHash(request.runId));
  const bundle = request.bundle ?? (await bundleLedgerDriver());
  if (Buffer.byteLength(bundle) > CONFIG_MAP_LIMIT) throw new KdrillError(ErrorCode.INTERNAL, `the bundled ledger driver is ${Buffer.byteLength(bundle)} bytes, more than a ConfigMap holds`);
  const options = { name, namespace: request.namespace, labels: runLabels(request.runId), bundle, rate: request.rate, concurrency: request.concurrency, writeTimeoutMs: request.writeTimeoutMs, maxDurationMs: request.maxDurationMs, db: request.db, passwordSecret: request.passwordSecret };
  const what = `the ledger Job ${request.namespace}/${name}`;
  request.log(`load: starting ${what} (image ${ledgerDriverJob(options).spec!.template.spec!.containers[0]!.image})`);
  const { pod, remove } = await startLoadJob(client, { namespace: request.namespace, name, configMap: ledgerDriverConfigMap(options), job: ledgerDriverJob(options), what: 'the ledger Job', ...(request.startTimeoutMs ? { startTimeoutMs: request.startTimeoutMs } : {}) });
  const transport: DriverTransport = { request: (method, path) => client.podRequest(method, request.namespace, pod, LEDGER_DRIVER_PORT, path, { timeoutMs: 15_000 }) };
  try {
    await waitPrepared(transport, request.clock, request.startTimeoutMs ?? 2 * 60_000, what);
    const running = await startRemoteLedgerLoad({ transport, clock: request.clock, ledger: request.ledger, log: request.log, what });
    request.log(`load: ${what}, ${request.rate === 'max' ? 'as fast as possible' : `${request.rate} writes/s`}, ${request.concurrency} connections, to ${request.db.host}:${request.db.port}/${request.db.database}; its clock aligned to kdrill's within ±${running.alignment.uncertaintyMs.toFixed(1)} ms`);
    return {
      job: name,
      alignment: running.alignment,
      stats: () => running.stats(),
      stop: async () => {
        try {
          return await running.stop();
        } finally {
          await remove().catch(() => undefined);
        }
      },
    };
  } catch (error) {
    await remove().catch(() => undefined);
    throw error instanceof KdrillError ? error : new KdrillError(ErrorCode.STEP_FAILED, error instanceof Error ? error.message : String(error));
  }
}
