import { ErrorCode, KdrillError } from '../../../common/errors.js';
import type { KubeClient } from '../client/kube-client.js';
import { observe } from '../client/observe.js';
import type { KubeObject } from '../client/types.js';
import type { Clock } from '../../../model/time.js';
import type { InClusterDatabase } from '../objects/jobs/database-env.js';

// What every load run as a Job is asked for.
export interface LoadJobRequest extends InClusterDatabase {
  readonly runId: string;
  readonly namespace: string;
  readonly rate: number | 'max';
  readonly concurrency: number;
  readonly maxDurationMs: number;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly startTimeoutMs?: number;
}

export interface LoadJob {
  readonly pod: string;
  readonly podQuery: { apiVersion: string; kind: string; namespace: string; labelSelector: string };
  // Deletes the Job (and so its pod) and the ConfigMap; safe to call twice.
  remove(): Promise<void>;
}

const phaseOf = (pod: KubeObject | undefined): string | undefined => (pod?.status as { phase?: string } | undefined)?.phase;

export function podEnded(pod: KubeObject | undefined): boolean {
  return ['Succeeded', 'Failed'].includes(phaseOf(pod) ?? '');
}

// A load Job's ConfigMap and Job created, and its one pod running; everything removed again
// when the pod does not get there.
export async function startLoadJob(client: KubeClient, o: { namespace: string; name: string; configMap: object; job: object; what: string; startTimeoutMs?: number }): Promise<LoadJob> {
  const remove = async (): Promise<void> => {
    await client.delete({ apiVersion: 'batch/v1', kind: 'Job', namespace: o.namespace, name: o.name }, { propagation: 'Background' });
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: o.namespace, name: o.name });
  };
  const podQuery = { apiVersion: 'v1', kind: 'Pod', namespace: o.namespace, labelSelector: `job-name=${o.name}` };
  try {
    await client.apply(o.configMap as KubeObject, { force: true });
    await client.create(o.job as KubeObject);
    const pod = await observe(
      client,
      podQuery,
      (pods) => {
        const p = pods[0];
        if (podEnded(p)) throw new KdrillError(ErrorCode.STEP_FAILED, `${o.what}'s pod ${p!.metadata.name} ended before the drill began`);
        return phaseOf(p) === 'Running' ? p!.metadata.name! : undefined;
      },
      { timeoutMs: o.startTimeoutMs ?? 5 * 60_000, what: `${o.what} ${o.namespace}/${o.name} to run` },
    );
    return { pod, podQuery, remove };
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
}
