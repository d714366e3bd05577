import { KubernetesObjectApi, type PatchStrategy } from '@kubernetes/client-node';
import type { KubeObject } from './types.js';

// client-node's generic object API, with the REST path of a collection made public: watches
// need it, and only discovery (which the parent caches) knows a kind's plural and scope.
export class PathAwareObjectApi extends KubernetesObjectApi {
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    return this.specUriPath({ apiVersion, kind, metadata: namespace ? { namespace } : {} }, 'list');
  }
}

// The same calls typed as kdrill uses them: plain JSON objects in and out. client-node's
// types make apiVersion optional and timestamps Dates, which plain JSON does not promise.
export interface ObjectCalls {
  read(header: KubeObject): Promise<KubeObject>;
  list(apiVersion: string, kind: string, namespace?: string, pretty?: string, exact?: boolean, exportt?: boolean, fieldSelector?: string, labelSelector?: string, limit?: number, continueToken?: string): Promise<{ items: KubeObject[]; metadata?: { resourceVersion?: string; _continue?: string } }>;
  create(object: KubeObject, pretty?: string, dryRun?: string, fieldManager?: string): Promise<KubeObject>;
  patch(object: KubeObject, pretty?: string, dryRun?: string, fieldManager?: string, force?: boolean, strategy?: PatchStrategy): Promise<KubeObject>;
  replace(object: KubeObject, pretty?: string, dryRun?: string, fieldManager?: string): Promise<KubeObject>;
  delete(header: KubeObject, pretty?: string, dryRun?: string, gracePeriodSeconds?: number, orphanDependents?: boolean, propagationPolicy?: string): Promise<unknown>;
  collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string>;
}
