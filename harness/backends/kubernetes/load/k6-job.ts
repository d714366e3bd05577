import { readInputFile } from '../../../common/input-file.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { summaryFromK6, type K6Export } from '../../../load/k6/summary.js';
import type { RunningLoad } from '../../../load/types.js';
import type { KubeClient } from '../client/kube-client.js';
import { observe } from '../client/observe.js';
import { k6Job, k6ScriptConfigMap, SUMMARY_MARKER } from '../objects/jobs/k6-job.js';
import { objectName, runLabels, runHash } from '../objects/labels.js';
import { podEnded, startLoadJob, type LoadJobRequest } from './job-pod.js';

export interface K6JobRequest extends LoadJobRequest {
  readonly script: string; // a file on this machine
}

// k6 as a Job in the workload's namespace: ConfigMap and Job created, the load counted from
// when its pod runs; stopping it sends k6 SIGINT, waits for the pod to end, reads the summary
// from its log, and deletes the Job and ConfigMap.
export async function startK6Job(client: KubeClient, request: K6JobRequest): Promise<RunningLoad> {
  const name = objectName('kdrill-k6', runHash(request.runId));
  const labels = runLabels(request.runId);
  const options = { name, namespace: request.namespace, labels, script: readInputFile(request.script, 'k6 script'), vus: request.concurrency, maxDurationMs: request.maxDurationMs, rate: request.rate, db: request.db, passwordSecret: request.passwordSecret };
  const { pod, podQuery, remove } = await startLoadJob(client, { namespace: request.namespace, name, configMap: k6ScriptConfigMap(options), job: k6Job(options), what: 'the k6 Job', ...(request.startTimeoutMs ? { startTimeoutMs: request.startTimeoutMs } : {}) });
  const startedAt = request.clock.now();
  request.log(`load: k6 ${request.script} as Job ${request.namespace}/${name}, ${request.concurrency} virtual users, against ${request.db.host}:${request.db.port}`);
  return {
    stats: () => ({ sent: 0, acked: 0, failed: 0, inDoubt: 0, connectFailures: 0 }),
    stop: async () => {
      try {
        await client.exec(request.namespace, pod, 'k6', ['sh', '-c', 'pkill -INT k6 || true'], 30_000).catch(() => undefined);
        await observe(client, podQuery, (pods) => (podEnded(pods[0]) ? true : undefined), { timeoutMs: 120_000, what: `k6 in ${pod} to finish` });
        const stoppedAt = request.clock.now();
        const log = await client.podLog(request.namespace, pod, 'k6', 50);
        const line = log.split('\n').reverse().find((l) => l.startsWith(SUMMARY_MARKER));
        const exported = line?.slice(SUMMARY_MARKER.length).trim();
        if (!exported) throw new KdrillError(ErrorCode.STEP_FAILED, `k6 in ${pod} wrote no summary: ${log.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
        return summaryFromK6(JSON.parse(exported) as K6Export, startedAt, stoppedAt);
      } finally {
        await remove().catch(() => undefined);
      }
    },
  };
}
