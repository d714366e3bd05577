import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { onePodJob } from './one-pod-job.js';
import { databaseEnv, type InClusterDatabase } from './database-env.js';

// grafana/k6, the stock image (no custom image): the script comes from a ConfigMap.
export const K6_IMAGE = 'grafana/k6:1.3.0';
// The line the Job's last output starts with; the rest of it is k6's --summary-export.
export const SUMMARY_MARKER = 'KDRILL-K6-SUMMARY ';

export interface K6JobOptions extends InClusterDatabase {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly script: string;
  readonly vus: number;
  readonly maxDurationMs: number;
  readonly rate: number | 'max';
  readonly image?: string;
}

export function k6ScriptConfigMap(o: K6JobOptions): IConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels } }, data: { 'script.js': o.script } };
}

// A Job of one pod running `k6 run` for at most the drill's length. kdrill stops it early
// with SIGINT (k6 then finishes and exports its summary), and reads the summary back from
// the pod's log, where the shell prints it after k6 ends. The password is a secretKeyRef:
// no object kdrill creates holds it.
export function k6Job(o: K6JobOptions): IJob {
  const seconds = Math.ceil(o.maxDurationMs / 1000);
  const script = [
    `k6 run --no-color --quiet --vus ${o.vus} --duration ${seconds}s --summary-export /tmp/summary.json /scripts/script.js`,
    'code=$?',
    `printf '\\n${SUMMARY_MARKER}%s\\n' "$(tr -d '\\n' < /tmp/summary.json 2>/dev/null)"`,
    'exit $code',
  ].join('; ');
  return onePodJob(o, seconds + 300, {
    containers: [
      {
        name: 'k6',
        image: o.image ?? K6_IMAGE,
        command: ['sh', '-c', script],
        env: databaseEnv(o),
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
        volumeMounts: [{ name: 'script', mountPath: '/scripts', readOnly: true }],
      },
    ],
    volumes: [{ name: 'script', configMap: { name: o.name } }],
  });
}
