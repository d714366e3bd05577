import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { fixtureLabels, type PostgresFixtureOptions } from './options.js';

// What Patroni's Kubernetes DCS needs, and nothing more: its ConfigMaps (leader, config,
// sync keys), the Endpoints it may keep for the leader, and its own pods' role labels.
export function patroniAccess(o: PostgresFixtureOptions): [IServiceAccount, IRole, IRoleBinding] {
  const metadata = { name: o.name, namespace: o.namespace, labels: fixtureLabels(o) };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
        { apiGroups: [''], resources: ['services'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: o.name },
      subjects: [{ kind: 'ServiceAccount', name: o.name, namespace: o.namespace }],
    },
  ];
}
