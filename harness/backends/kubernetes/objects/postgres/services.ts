import type { IService } from 'kubernetes-models/v1/Service';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { patroniConfig, pgbackrestConfig } from './patroni-config.js';
import { fixtureLabels, LEADER_ROLE_VALUES, PG_PORT, PATRONI_PORT, podSelectorLabels, ROLE_LABEL, type PostgresFixtureOptions } from './options.js';

// Read-write follows the pod Patroni labels leader; read-only spreads over the replicas.
// Both are NodePorts on kind, so the host reaches them through kind's port mappings.
export function postgresServices(o: PostgresFixtureOptions): [IService, IService, IService] {
  const labels = fixtureLabels(o);
  const service = (name: string, role: string, nodePort: number | undefined): IService => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace, labels },
    spec: {
      type: nodePort ? 'NodePort' : 'ClusterIP',
      selector: { ...podSelectorLabels(o), [ROLE_LABEL]: role },
      ports: [{ name: 'postgresql', port: PG_PORT, targetPort: PG_PORT, protocol: 'TCP', ...(nodePort ? { nodePort } : {}) }],
    },
  });
  return [
    service(o.name, LEADER_ROLE_VALUES[0], o.nodePorts?.readWrite),
    service(`${o.name}-replicas`, 'replica', o.nodePorts?.readOnly),
    {
      // The StatefulSet's governing Service: stable DNS names <pod>.<name>-members.
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${o.name}-members`, namespace: o.namespace, labels },
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: podSelectorLabels(o),
        ports: [
          { name: 'postgresql', port: PG_PORT, targetPort: PG_PORT, protocol: 'TCP' },
          { name: 'patroni', port: PATRONI_PORT, targetPort: PATRONI_PORT, protocol: 'TCP' },
        ],
      },
    },
  ];
}

export function patroniConfigMap(o: PostgresFixtureOptions): IConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${o.name}-patroni`, namespace: o.namespace, labels: fixtureLabels(o) }, data: { 'patroni.yml': patroniConfig(o), ...(o.backupHostPath ? { 'pgbackrest.conf': pgbackrestConfig() } : {}) } };
}

// One member may be down for voluntary disruptions (drains): two of three keep quorum and a
// replica for failover.
export function disruptionBudget(o: PostgresFixtureOptions): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: o.name, namespace: o.namespace, labels: fixtureLabels(o) },
    spec: { maxUnavailable: 1, selector: { matchLabels: podSelectorLabels(o) } },
  };
}
