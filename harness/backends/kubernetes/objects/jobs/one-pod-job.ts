import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';

// A load Job: one pod, never retried or restarted (a second attempt would be a second load),
// labelled like the Job, gone an hour after it ends.
export function onePodJob(o: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }, activeDeadlineSeconds: number, pod: Omit<IPodSpec, 'restartPolicy'>): IJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds,
      ttlSecondsAfterFinished: 3600,
      template: { metadata: { labels: { ...o.labels } }, spec: { restartPolicy: 'Never', ...pod } },
    },
  };
}
