// The resources the test API server serves, as discovery describes them. Kinds and plurals
// are the real ones: client-node finds a kind's REST path through discovery.
export interface ResourceType {
  readonly group: string; // '' for the core group
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly subresources?: readonly string[];
}

const core = (kind: string, plural: string, namespaced = true, subresources: string[] = []): ResourceType => ({ group: '', version: 'v1', kind, plural, namespaced, subresources });
const grouped = (group: string, version: string, kind: string, plural: string, namespaced = true): ResourceType => ({ group, version, kind, plural, namespaced });

export const RESOURCE_TYPES: readonly ResourceType[] = [
  core('Namespace', 'namespaces', false),
  core('Node', 'nodes', false, ['status', 'proxy']),
  core('Pod', 'pods', true, ['status', 'eviction', 'proxy', 'log']),
  core('Service', 'services'),
  core('Endpoints', 'endpoints'),
  core('ConfigMap', 'configmaps'),
  core('Secret', 'secrets'),
  core('ServiceAccount', 'serviceaccounts'),
  core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  core('PersistentVolume', 'persistentvolumes', false),
  core('Event', 'events'),
  grouped('apps', 'v1', 'StatefulSet', 'statefulsets'),
  grouped('batch', 'v1', 'Job', 'jobs'),
  grouped('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  grouped('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  grouped('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  grouped('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  grouped('chaos-mesh.org', 'v1alpha1', 'PodChaos', 'podchaos'),
  grouped('chaos-mesh.org', 'v1alpha1', 'NetworkChaos', 'networkchaos'),
  grouped('chaos-mesh.org', 'v1alpha1', 'StressChaos', 'stresschaos'),
  grouped('chaos-mesh.org', 'v1alpha1', 'IOChaos', 'iochaos'),
  grouped('chaos-mesh.org', 'v1alpha1', 'TimeChaos', 'timechaos'),
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function resourceByPath(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function resourceByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

// GET /api/v1 or /apis/<group>/<version>: an APIResourceList.
export function resourceList(group: string, version: string): object | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap((t) => [
      { name: t.plural, singularName: t.kind.toLowerCase(), namespaced: t.namespaced, kind: t.kind, verbs },
      ...(t.subresources ?? []).map((s) => ({ name: `${t.plural}/${s}`, singularName: '', namespaced: t.namespaced, kind: s === 'eviction' ? 'Eviction' : t.kind, verbs: ['get', 'create', 'patch', 'update'] })),
    ]),
  };
}

export function groupList(): object {
  const groups = [...new Set(RESOURCE_TYPES.filter((t) => t.group).map((t) => `${t.group}/${t.version}`))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((gv) => {
      const [name, version] = gv.split('/') as [string, string];
      return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
    }),
  };
}
