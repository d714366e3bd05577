import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { onePodJob } from './one-pod-job.js';
import { databaseEnv, type InClusterDatabase } from './database-env.js';
import { LEDGER_DRIVER_PORT } from '../../../../load/ledger-remote/protocol.js';

// The stock Node.js image: the driver is one bundled file from a ConfigMap, no custom image.
export const LEDGER_DRIVER_IMAGE = 'node:20-bookworm-slim';
export const LEDGER_DRIVER_FILE = 'ledger-driver.cjs';
// A ConfigMap holds at most 1 MiB; the bundled driver is a fraction of that.
export const CONFIG_MAP_LIMIT = 1024 * 1024 - 4096;

export interface LedgerJobOptions extends InClusterDatabase {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly bundle: string;
  readonly rate: number | 'max';
  readonly concurrency: number;
  readonly writeTimeoutMs: number;
  readonly maxDurationMs: number;
  readonly image?: string;
}

export function ledgerDriverConfigMap(o: LedgerJobOptions): IConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels } }, data: { [LEDGER_DRIVER_FILE]: o.bundle } };
}

// One pod running the driver, kept away from the database's own nodes' failures where it can
// be: it prefers a control-plane node (kind's is never faulted by a zone outage) and tolerates
// that node's taint; elsewhere it lands where the scheduler puts it. kdrill reaches it through
// the API server's pod proxy, so no Service and no port leaves the cluster. The password is a
// secretKeyRef: no object kdrill creates holds it.
export function ledgerDriverJob(o: LedgerJobOptions): IJob {
  const seconds = Math.ceil(o.maxDurationMs / 1000);
  // The drill's longest length, then time for kdrill to fetch the last events.
  return onePodJob(o, seconds + 900, {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } }],
      },
    },
    tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
    containers: [
      {
        name: 'ledger',
        image: o.image ?? LEDGER_DRIVER_IMAGE,
        command: ['node', `/driver/${LEDGER_DRIVER_FILE}`],
        env: [
          ...databaseEnv(o),
          { name: 'KDRILL_CONCURRENCY', value: String(o.concurrency) },
          { name: 'KDRILL_WRITE_TIMEOUT_MS', value: String(o.writeTimeoutMs) },
          { name: 'KDRILL_MAX_DURATION_MS', value: String(o.maxDurationMs) },
          { name: 'KDRILL_PORT', value: String(LEDGER_DRIVER_PORT) },
        ],
        ports: [{ name: 'driver', containerPort: LEDGER_DRIVER_PORT, protocol: 'TCP' }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'driver' }, periodSeconds: 2 },
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        volumeMounts: [{ name: 'driver', mountPath: '/driver', readOnly: true }],
      },
    ],
    volumes: [{ name: 'driver', configMap: { name: o.name } }],
  });
}
