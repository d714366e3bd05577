// A Kubernetes object as kdrill reads and writes it: plain JSON, any kind.
export interface KubeMetadata {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  deletionTimestamp?: string | Date;
  finalizers?: string[];
  ownerReferences?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [key: string]: unknown;
}

// Names one object: the REST path is found from apiVersion and kind by discovery.
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

// A collection: every object of a kind in a namespace (or cluster-wide), maybe selected.
export interface CollectionQuery {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export function refOf(object: KubeObject): ObjectRef {
  if (!object.metadata.name) throw new Error(`${object.kind} has no metadata.name`);
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
