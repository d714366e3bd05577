import type { KubeClient } from '../client/kube-client.js';
import type { KubeObject } from '../client/types.js';

// kdrill writes each object at the newest version of its API. A server too old for it that
// serves the previous version with the same fields gets that one instead: policy/v1
// PodDisruptionBudget came with Kubernetes 1.21 (policy/v1beta1's fields, the fixture's
// non-empty selector meaning the same in both).
const PREVIOUS: Readonly<Record<string, string>> = { 'policy/v1 PodDisruptionBudget': 'policy/v1beta1' };

export async function atServedVersion(client: KubeClient, object: KubeObject): Promise<KubeObject> {
  const previous = PREVIOUS[`${object.apiVersion} ${object.kind}`];
  if (!previous || (await client.serves(object.apiVersion, object.kind))) return object;
  // Neither served: the object as it is, so that the server's own error says what it lacks.
  return (await client.serves(previous, object.kind)) ? { ...object, apiVersion: previous } : object;
}
