import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { conditionTrue } from '../client/conditions.js';
import type { KubeClient } from '../client/kube-client.js';
import { observe } from '../client/observe.js';
import { describeRef, type KubeObject, type ObjectRef } from '../client/types.js';

// How long Chaos Mesh may take to inject into every selected pod, and to recover them.
export interface ChaosTimeouts {
  readonly injectMs: number;
  readonly recoverMs: number;
}
export const DEFAULT_CHAOS_TIMEOUTS: ChaosTimeouts = { injectMs: 60_000, recoverMs: 120_000 };

type Condition = { type: string; status: string; reason?: string };

function conditionsOf(object: KubeObject | undefined): Condition[] {
  return ((object?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}) }));
}

function describeConditions(object: KubeObject | undefined): string {
  const conditions = conditionsOf(object);
  return conditions.length ? conditions.map((c) => `${c.type}=${c.status}`).join(', ') : 'no status yet';
}

// Creates the chaos object, calls `created` (the injector journals t0 there: Chaos Mesh acts
// from now), then waits until Chaos Mesh reports it injected into every selected pod
// (condition AllInjected). Chaos Mesh not installed is said plainly; an object it never
// injects is deleted again before the error.
export async function injectChaos(
  client: KubeClient,
  object: KubeObject,
  options: { signal: AbortSignal; timeouts?: ChaosTimeouts; created?: () => Promise<void> },
): Promise<KubeObject> {
  const { signal, timeouts = DEFAULT_CHAOS_TIMEOUTS } = options;
  const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name!, namespace: object.metadata.namespace! };
  if (!(await client.serves(object.apiVersion, object.kind))) {
    throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `Chaos Mesh is not installed in this cluster (the API has no ${object.apiVersion} ${object.kind})`, {
      hint: '`kdrill cluster up --backend kind` installs it; elsewhere: helm install chaos-mesh chaos-mesh/chaos-mesh --namespace chaos-mesh --version 2.8.3',
    });
  }
  await client.create(object);
  await options.created?.();
  let last: KubeObject | undefined;
  try {
    return await observe(
      client,
      { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace!, fieldSelector: `metadata.name=${ref.name}` },
      (objects) => {
        last = objects[0];
        return last && conditionTrue(last, 'AllInjected') ? last : undefined;
      },
      { timeoutMs: timeouts.injectMs, signal, what: `Chaos Mesh to inject ${describeRef(ref)}` },
    );
  } catch (error) {
    await removeChaos(client, ref, timeouts.recoverMs).catch(() => undefined);
    throw new KdrillError(ErrorCode.STEP_FAILED, `Chaos Mesh did not inject ${describeRef(ref)} (${describeConditions(last)}): is the chaos-daemon running on the pods' nodes, and does the selector match pods?`, { cause: error });
  }
}

// Deletes the chaos object and waits until it is gone: Chaos Mesh holds it with a finalizer
// until every injected pod is recovered, so gone means reverted.
export async function removeChaos(client: KubeClient, ref: ObjectRef, timeoutMs: number = DEFAULT_CHAOS_TIMEOUTS.recoverMs): Promise<void> {
  // false: it was already gone.
  if (!(await client.delete(ref))) return;
  let last: KubeObject | undefined;
  try {
    await observe(
      client,
      { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace!, fieldSelector: `metadata.name=${ref.name}` },
      (objects) => {
        last = objects[0];
        return objects.length === 0 ? true : undefined;
      },
      { timeoutMs, what: `Chaos Mesh to recover ${describeRef(ref)}` },
    );
  } catch (error) {
    throw new KdrillError(ErrorCode.REVERT_FAILED, `Chaos Mesh has not recovered ${describeRef(ref)} (${describeConditions(last)}); it is still there with its finalizer`, {
      hint: `look at \`kubectl -n ${ref.namespace} describe ${ref.kind.toLowerCase()} ${ref.name}\`; \`kdrill cleanup\` tries again`,
      cause: error,
    });
  }
}
