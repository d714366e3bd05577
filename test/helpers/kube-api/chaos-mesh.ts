import type { JsonObject } from './patch.js';
import type { KubeTestServer } from './server.js';

// Chaos Mesh v2.8.3's controllers as far as kdrill sees them, read from its source
// (controllers/common/{finalizers,records,condition}, pkg/selector/{pod,container}):
// - a new chaos object gets the finalizer chaos-mesh/records;
// - the records controller selects each selector's targets ("." and a NetworkChaos's
//   ".Target"); a selector matching nothing (or an error) ends the reconcile with a Warning
//   Event "Failed to select targets: …" and no status.experiment.containerRecords at all;
// - otherwise each target becomes a record (pod "ns/name", container "ns/pod/container"),
//   injected (or, `inject: false`, failing to apply, with a Warning "Failed to apply chaos");
// - the condition controller derives Selected (records exist), AllInjected and AllRecovered
//   (every record Injected / Not Injected) and Paused from the records;
// - a deleted object is recovered, and released once no record is injected.
// Not modelled: modes other than all and one, selectors other than namespaces, labelSelectors,
// pods, nodes and nodeSelectors (the simulator refuses them with a Failed event).
export interface SimulatedChaosMesh {
  // Every chaos object the controller saw created.
  readonly injected: JsonObject[];
  // The names of those it recovered and released.
  readonly recovered: string[];
  // The Events it wrote.
  readonly events: JsonObject[];
}

type Selected = { ids: string[] } | { error: string };
type SelectorSpec = { selector: JsonObject; mode: string; containers?: string[] };

const MODELLED = new Set(['namespaces', 'labelSelectors', 'pods', 'nodes', 'nodeSelectors']);
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

// The selectors of a chaos object by key, as GetSelectorSpecs() returns them; `containers` is
// set for a ContainerSelector (StressChaos, IOChaos, TimeChaos, PodChaos container-kill).
function selectorsOf(object: JsonObject): Record<string, SelectorSpec> {
  const spec = object.spec as JsonObject;
  const of = (s: JsonObject | undefined, containers?: string[]): SelectorSpec => ({ selector: (s?.selector ?? {}) as JsonObject, mode: String(s?.mode ?? ''), ...(containers ? { containers } : {}) });
  const names = (spec.containerNames as string[] | undefined) ?? [];
  switch (object.kind) {
    case 'NetworkChaos':
      return { '.': of(spec), ...(spec.target ? { '.Target': of(spec.target as JsonObject) } : {}) };
    case 'PodChaos':
      return { '.': of(spec, spec.action === 'container-kill' ? names : undefined) };
    default:
      return { '.': of(spec, names) };
  }
}

function selectPods(api: KubeTestServer, selector: JsonObject): { pods: JsonObject[] } | { error: string } {
  const unmodelled = Object.keys(selector).filter((k) => !MODELLED.has(k));
  if (unmodelled.length) return { error: `kdrill's Chaos Mesh simulator does not model selector fields ${unmodelled.join(', ')}` };
  const named = selector.pods as Record<string, string[]> | undefined;
  // Pods named outright: those that exist (a missing one is skipped, as selectSpecifiedPods does).
  if (named && Object.keys(named).length) {
    return { pods: Object.entries(named).flatMap(([ns, list]) => list.flatMap((name): JsonObject[] => { const pod = api.object('v1', 'Pod', ns, name); return pod ? [pod] : []; })) };
  }
  let nodes: string[] | undefined;
  if ((selector.nodes as string[] | undefined)?.length || selector.nodeSelectors) {
    nodes = [];
    for (const name of (selector.nodes as string[] | undefined) ?? []) {
      if (!api.object('v1', 'Node', undefined, name)) return { error: `nodes "${name}" not found` };
      nodes.push(name);
    }
    const wanted = Object.entries((selector.nodeSelectors ?? {}) as Record<string, string>);
    if (wanted.length) nodes.push(...api.objects('v1', 'Node').filter((n) => wanted.every(([k, v]) => ((n.metadata as JsonObject).labels as Record<string, string> | undefined)?.[k] === v)).map((n) => String((n.metadata as JsonObject).name)));
  }
  const labels = Object.entries((selector.labelSelectors ?? {}) as Record<string, string>);
  const pods = ((selector.namespaces as string[] | undefined) ?? []).flatMap((ns) => api.objects('v1', 'Pod', ns)).filter((pod) => {
    const podLabels = ((pod.metadata as JsonObject).labels ?? {}) as Record<string, string>;
    return labels.every(([k, v]) => podLabels[k] === v) && (!nodes || nodes.includes(String((pod.spec as JsonObject).nodeName)));
  });
  return { pods };
}

function select(api: KubeTestServer, spec: SelectorSpec): Selected {
  const found = selectPods(api, spec.selector);
  if ('error' in found) return found;
  if (found.pods.length === 0) return { error: 'no pod is selected' };
  if (spec.mode !== 'all' && spec.mode !== 'one') return { error: `kdrill's Chaos Mesh simulator does not model mode ${JSON.stringify(spec.mode)}` };
  const pods = spec.mode === 'one' ? found.pods.slice(0, 1) : found.pods;
  const idOf = (pod: JsonObject): string => `${String((pod.metadata as JsonObject).namespace)}/${String((pod.metadata as JsonObject).name)}`;
  if (!spec.containers) return { ids: pods.map(idOf) };
  const ids = pods.flatMap((pod) => {
    const containers = ((pod.spec as JsonObject).containers as { name: string }[] | undefined) ?? [];
    const chosen = spec.containers!.length ? containers.filter((c) => spec.containers!.includes(c.name)) : containers.slice(0, 1);
    return chosen.map((c) => `${idOf(pod)}/${c.name}`);
  });
  return ids.length ? { ids } : { error: 'no target has been selected' };
}

// The conditions the condition controller derives from the records (diffConditions).
function conditionsFor(records: JsonObject[] | undefined): JsonObject[] {
  const every = (phase: string): boolean => records !== undefined && records.every((r) => r.phase === phase);
  const flag = (type: string, value: boolean): JsonObject => ({ type, status: value ? 'True' : 'False' });
  return [flag('Selected', records !== undefined), flag('AllInjected', every('Injected')), flag('AllRecovered', every('Not Injected')), flag('Paused', false)];
}

// Chaos Mesh's controller, as kdrill sees it. `inject: false` plays a controller whose
// chaos-daemon never applies the chaos; `recover: false` one that never releases an object.
export function simulateChaosMesh(api: KubeTestServer, options: { inject?: boolean; recover?: boolean } = {}): SimulatedChaosMesh {
  const seen: SimulatedChaosMesh = { injected: [], recovered: [], events: [] };
  const warn = (object: JsonObject, message: string): void => {
    const meta = object.metadata as JsonObject;
    const event: JsonObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${String(meta.name)}.${(BigInt(Date.now()) * 1_000_000n + BigInt(seen.events.length)).toString(16)}`, namespace: String(meta.namespace) },
      involvedObject: { apiVersion: String(object.apiVersion), kind: String(object.kind), namespace: String(meta.namespace), name: String(meta.name), uid: String(meta.uid), resourceVersion: String(meta.resourceVersion) },
      reason: 'Failed',
      message,
      type: 'Warning',
      source: { component: 'records' },
      firstTimestamp: now(),
      lastTimestamp: now(),
      count: 1,
    };
    seen.events.push(event);
    api.put(event);
  };
  api.store.subscribe((event) => {
    if (event.resource.group !== 'chaos-mesh.org') return;
    const meta = event.object.metadata as JsonObject;
    setImmediate(() => {
      const live = api.object(String(event.object.apiVersion), String(event.object.kind), String(meta.namespace), String(meta.name));
      if (!live) return;
      const liveMeta = live.metadata as JsonObject;
      delete liveMeta.managedFields;
      if (event.type === 'ADDED') {
        seen.injected.push(live);
        const withFinalizer = api.put({ ...live, metadata: { ...liveMeta, finalizers: ['chaos-mesh/records'] }, status: { experiment: { desiredPhase: 'Run' }, conditions: conditionsFor(undefined) } });
        const selected = Object.entries(selectorsOf(live)).map(([key, spec]) => ({ key, ...select(api, spec) }));
        const failed = selected.find((s): s is { key: string; error: string } => 'error' in s);
        if (failed) return warn(withFinalizer, `Failed to select targets: ${failed.error}`);
        const injected = options.inject !== false;
        const records = selected.flatMap((s) =>
          (s as { ids: string[] }).ids.map((id) => ({
            id,
            selectorKey: s.key,
            phase: injected ? 'Injected' : 'Not Injected',
            injectedCount: injected ? 1 : 0,
            recoveredCount: 0,
            events: [{ type: injected ? 'Succeeded' : 'Failed', operation: 'Apply', timestamp: now(), ...(injected ? {} : { message: 'rpc error: code = Unavailable desc = connection refused' }) }],
          })),
        );
        const written = api.put({ ...withFinalizer, status: { experiment: { desiredPhase: 'Run', containerRecords: records }, conditions: conditionsFor(records) } });
        if (!injected) warn(written, 'Failed to apply chaos: rpc error: code = Unavailable desc = connection refused');
      } else if (event.type === 'MODIFIED' && liveMeta.deletionTimestamp && (liveMeta.finalizers as string[] | undefined)?.length && options.recover !== false) {
        seen.recovered.push(String(meta.name));
        const status = (live.status ?? {}) as JsonObject;
        const experiment = (status.experiment ?? {}) as JsonObject;
        const records = (experiment.containerRecords as JsonObject[] | undefined)?.map((r) => (r.phase === 'Injected' ? { ...r, phase: 'Not Injected', recoveredCount: Number(r.recoveredCount) + 1 } : r));
        const object = api.put({ ...live, metadata: { ...liveMeta, finalizers: [] }, status: { ...status, experiment: { ...experiment, desiredPhase: 'Stop', ...(records ? { containerRecords: records } : {}) }, conditions: conditionsFor(records) } });
        api.store.remove(api.resourceTypeOf(object), String(meta.namespace), String(meta.name));
      }
    });
  });
  return seen;
}
