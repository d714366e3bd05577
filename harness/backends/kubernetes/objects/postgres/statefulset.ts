import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import {
  BACKUP_MOUNT,
  DATA_MOUNT,
  PGBACKREST_CONFIG,
  fixtureLabels,
  HOSTNAME_LABEL,
  PATRONI_PORT,
  PG_PORT,
  podSelectorLabels,
  POSTGRES_CONTAINER,
  POSTGRES_UID,
  ZONE_LABEL,
  type PostgresFixtureOptions,
} from './options.js';
import { SECRET_KEYS } from './secret.js';

function fromField(name: string, fieldPath: string): IEnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

function fromSecret(name: string, secret: string, key: string): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

// Three members, one per zone (a hard topology spread: a zone never holds two, so losing a
// zone never loses two), each on its own volume. Patroni elects the leader through the
// Kubernetes API and labels the pods; the probes ask Patroni, so a pod is Ready when its
// PostgreSQL is running as leader or streaming replica.
export function postgresStatefulSet(o: PostgresFixtureOptions): IStatefulSet {
  const secret = `${o.name}-passwords`;
  const selector = podSelectorLabels(o);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: o.name, namespace: o.namespace, labels: fixtureLabels(o) },
    spec: {
      replicas: o.replicas,
      serviceName: `${o.name}-members`,
      // Patroni orders the members itself; Parallel lets a lost member come back while
      // another is not Ready.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { ...fixtureLabels(o), ...selector } },
        spec: {
          serviceAccountName: o.name,
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID, runAsNonRoot: true },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } }],
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME_LABEL, labelSelector: { matchLabels: selector } }],
            },
          },
          containers: [
            {
              name: POSTGRES_CONTAINER,
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['patroni', '/etc/patroni/patroni.yml'],
              ports: [
                { name: 'postgresql', containerPort: PG_PORT, protocol: 'TCP' },
                { name: 'patroni', containerPort: PATRONI_PORT, protocol: 'TCP' },
              ],
              env: [
                fromField('PATRONI_NAME', 'metadata.name'),
                fromField('PATRONI_KUBERNETES_NAMESPACE', 'metadata.namespace'),
                fromField('PATRONI_KUBERNETES_POD_IP', 'status.podIP'),
                { name: 'PATRONI_POSTGRESQL_CONNECT_ADDRESS', value: `$(PATRONI_KUBERNETES_POD_IP):${PG_PORT}` },
                { name: 'PATRONI_RESTAPI_CONNECT_ADDRESS', value: `$(PATRONI_KUBERNETES_POD_IP):${PATRONI_PORT}` },
                { name: 'PATRONI_SUPERUSER_USERNAME', value: 'postgres' },
                fromSecret('PATRONI_SUPERUSER_PASSWORD', secret, SECRET_KEYS.superuser),
                { name: 'PATRONI_REPLICATION_USERNAME', value: 'replicator' },
                fromSecret('PATRONI_REPLICATION_PASSWORD', secret, SECRET_KEYS.replication),
                { name: 'PATRONI_REWIND_USERNAME', value: 'rewinder' },
                fromSecret('PATRONI_REWIND_PASSWORD', secret, SECRET_KEYS.rewind),
                ...(o.backupHostPath ? [{ name: 'PGBACKREST_CONFIG', value: PGBACKREST_CONFIG }] : []),
              ],
              readinessProbe: { httpGet: { path: '/readiness', port: PATRONI_PORT }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
              // Generous: a member replaying WAL or being cloned must not be restarted for it.
              livenessProbe: { httpGet: { path: '/liveness', port: PATRONI_PORT }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [
                { name: 'data', mountPath: DATA_MOUNT },
                { name: 'patroni-config', mountPath: '/etc/patroni', readOnly: true },
                ...(o.backupHostPath ? [{ name: 'backups', mountPath: BACKUP_MOUNT }] : []),
              ],
            },
          ],
          // The shared backup directory belongs to root on the node: made the postgres user's once.
          ...(o.backupHostPath
            ? {
                initContainers: [
                  {
                    name: 'backup-directory',
                    image: o.image,
                    imagePullPolicy: 'IfNotPresent',
                    command: ['sh', '-c', `mkdir -p ${BACKUP_MOUNT}/repo && chown ${POSTGRES_UID}:${POSTGRES_UID} ${BACKUP_MOUNT} ${BACKUP_MOUNT}/repo`],
                    securityContext: { runAsUser: 0, runAsNonRoot: false },
                    volumeMounts: [{ name: 'backups', mountPath: BACKUP_MOUNT }],
                  },
                ],
              }
            : {}),
          volumes: [
            { name: 'patroni-config', configMap: { name: `${o.name}-patroni` } },
            ...(o.backupHostPath ? [{ name: 'backups', hostPath: { path: o.backupHostPath, type: 'DirectoryOrCreate' as const } }] : []),
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: fixtureLabels(o) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(o.storageClassName ? { storageClassName: o.storageClassName } : {}),
            resources: { requests: { storage: o.storageSize } },
          },
        },
      ],
    },
  };
}
