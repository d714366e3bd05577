import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { conditionTrue } from '../client/conditions.js';
import type { KubeClient } from '../client/kube-client.js';
import { droppedFields } from '../client/dropped-fields.js';
import { observe } from '../client/observe.js';
import { describeRef, type KubeObject, type ObjectRef } from '../client/types.js';
import { describeSelector, describeStatus, injectionState, type ChaosRecord } from './chaos-status.js';

// How long Chaos Mesh may take to inject into every selected pod, and to recover them.
export interface ChaosTimeouts {
  readonly injectMs: number;
  readonly recoverMs: number;
}
export const DEFAULT_CHAOS_TIMEOUTS: ChaosTimeouts = { injectMs: 60_000, recoverMs: 120_000 };

// The Event Chaos Mesh's records controller writes when it cannot select a chaos object's
// targets (controllers/common/records/controller.go: recorder.Failed{Activity: "select
// targets"} → "Failed to select targets: no pod is selected", or "…: no target has been
// selected" for containers). It then leaves status.experiment.containerRecords unset, so
// Selected stays False and nothing else would ever change: kdrill stops waiting on it.
const SELECT_FAILED = 'Failed to select targets: ';
const NOTHING_SELECTED = /no pod is selected|no target has been selected/;

type Outcome = { readonly kind: 'injected'; readonly object: KubeObject; readonly records: readonly ChaosRecord[] } | { readonly kind: 'nothing-selected' | 'select-failed'; readonly message?: string };

// What injectChaos hands back: the object as Chaos Mesh left it and the targets it selected.
export interface InjectedChaos {
  readonly object: KubeObject;
  readonly records: readonly ChaosRecord[];
}

// Resolves with Chaos Mesh's selection failure for the object, if it reports one as an Event;
// otherwise never (it stops with `signal`): a user who may not read Events (RBAC) still has
// the status to go by, and its timeout.
async function selectionFailure(client: KubeClient, ref: ObjectRef, uid: string | undefined, signal: AbortSignal, timeoutMs: number): Promise<Outcome> {
  try {
    const message = await observe(
      client,
      { apiVersion: 'v1', kind: 'Event', namespace: ref.namespace!, fieldSelector: uid ? `involvedObject.uid=${uid}` : `involvedObject.kind=${ref.kind},involvedObject.name=${ref.name}` },
      (events) => events.map((e) => e.message).find((m): m is string => typeof m === 'string' && m.startsWith(SELECT_FAILED)),
      { timeoutMs, signal, what: `Chaos Mesh's events for ${describeRef(ref)}` },
    );
    return { kind: NOTHING_SELECTED.test(message) ? 'nothing-selected' : 'select-failed', message };
  } catch {
    return new Promise<never>(() => {});
  }
}

function selectionError(ref: ObjectRef, object: KubeObject, outcome: Extract<Outcome, { kind: 'nothing-selected' | 'select-failed' }>): KdrillError {
  const spec = object.spec as { selector?: Record<string, unknown>; target?: { selector?: Record<string, unknown> } } | undefined;
  const selectors = `${describeSelector(spec?.selector)}${spec?.target ? `; target: ${describeSelector(spec.target.selector)}` : ''}`;
  const said = outcome.message ? `: "${outcome.message}"` : ': it reports AllInjected over no selected target';
  if (outcome.kind === 'nothing-selected') {
    return new KdrillError(ErrorCode.STEP_FAILED, `the selector matched no pod: Chaos Mesh selected nothing for ${describeRef(ref)} (${selectors})${said}`, {
      hint: 'the pods were planned from the topology when the fault started; are they still there (a pod being recreated, a zone without pods of the workload)?',
    });
  }
  return new KdrillError(ErrorCode.STEP_FAILED, `Chaos Mesh could not select the targets of ${describeRef(ref)} (${selectors})${said}`);
}

// Creates the chaos object, calls `created` (the injector journals t0 there: Chaos Mesh acts
// from now), then waits until Chaos Mesh reports every selected target injected: conditions
// Selected and AllInjected, over a non-empty containerRecords list whose records are all
// Injected. A selection that matched nothing fails at once (Chaos Mesh's "Failed to select
// targets" Event) instead of at the timeout. Chaos Mesh not installed is said plainly; an
// object it does not inject is deleted again before the error.
export async function injectChaos(
  client: KubeClient,
  object: KubeObject,
  options: { signal: AbortSignal; timeouts?: ChaosTimeouts; created?: () => Promise<void> },
): Promise<InjectedChaos> {
  const { signal, timeouts = DEFAULT_CHAOS_TIMEOUTS } = options;
  const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name!, namespace: object.metadata.namespace! };
  if (!(await client.serves(object.apiVersion, object.kind))) {
    throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `Chaos Mesh is not installed in this cluster (the API has no ${object.apiVersion} ${object.kind})`, {
      hint: '`kdrill cluster up --backend kind` installs it; elsewhere: helm install chaos-mesh chaos-mesh/chaos-mesh --namespace chaos-mesh --version 2.8.3',
    });
  }
  const created = await client.create(object);
  // A Chaos Mesh older than the objects kdrill makes prunes what its CRDs do not know and
  // answers 201: the fault would run without, say, its direction or its duration.
  const dropped = droppedFields(object.spec, created.spec, 'spec');
  if (dropped.length) {
    await removeChaos(client, ref, timeouts.recoverMs).catch(() => undefined);
    throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `the API server dropped or changed ${dropped.join(', ')} of ${describeRef(ref)}: its Chaos Mesh CRDs do not accept the object kdrill made; the object was deleted again`, {
      hint: 'kdrill makes Chaos Mesh 2.8.3 objects: `kubectl get crd networkchaos.chaos-mesh.org -o yaml` shows the installed schema; upgrade Chaos Mesh (helm upgrade chaos-mesh chaos-mesh/chaos-mesh --version 2.8.3)',
    });
  }
  await options.created?.();
  let last: KubeObject | undefined;
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  let outcome: Outcome;
  try {
    outcome = await Promise.race([
      observe(
        client,
        { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace!, fieldSelector: `metadata.name=${ref.name}` },
        (objects): Outcome | undefined => {
          last = objects[0];
          if (!last) return undefined;
          const state = injectionState(last);
          if (state.state === 'injected') return { kind: 'injected', object: last, records: state.records };
          return state.state === 'nothing-selected' ? { kind: 'nothing-selected' } : undefined;
        },
        { timeoutMs: timeouts.injectMs, signal: both, what: `Chaos Mesh to inject ${describeRef(ref)}` },
      ),
      selectionFailure(client, ref, created.metadata.uid, both, timeouts.injectMs),
    ]);
  } catch (error) {
    await removeChaos(client, ref, timeouts.recoverMs).catch(() => undefined);
    const selected = last !== undefined && conditionTrue(last, 'Selected');
    const hint = selected ? "is the chaos-daemon running on the pods' nodes?" : 'is the chaos-controller-manager running (it selects the targets)?';
    throw new KdrillError(ErrorCode.STEP_FAILED, `Chaos Mesh did not inject ${describeRef(ref)} (${describeStatus(last)}): ${hint}`, { cause: error });
  } finally {
    stop.abort();
  }
  if (outcome.kind === 'injected') return { object: outcome.object, records: outcome.records };
  await removeChaos(client, ref, timeouts.recoverMs).catch(() => undefined);
  throw selectionError(ref, object, outcome);
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
    throw new KdrillError(ErrorCode.REVERT_FAILED, `Chaos Mesh has not recovered ${describeRef(ref)} (${describeStatus(last, 'recover')}); it is still there with its finalizer`, {
      hint: `look at \`kubectl -n ${ref.namespace} describe ${ref.kind.toLowerCase()} ${ref.name}\`; \`kdrill cleanup\` tries again`,
      cause: error,
    });
  }
}
