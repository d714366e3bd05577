import type { FaultParams, FaultType } from '../../../model/fault.js';
import type { Topology } from '../../../model/topology.js';
import { ioChaos } from '../objects/chaos/io-chaos.js';
import { networkChaos, type NetworkEffect } from '../objects/chaos/network-chaos.js';
import { podChaos } from '../objects/chaos/pod-chaos.js';
import { stressChaos } from '../objects/chaos/stress-chaos.js';
import { timeChaos } from '../objects/chaos/time-chaos.js';
import type { ChaosMeta, ChaosObject, ChaosSelector } from '../objects/chaos/types.js';
import { DATA_MOUNT, ZONE_LABEL } from '../objects/postgres/options.js';
import { nodesOfZone, selectPod, selectZone } from './select.js';

// What a chaos fault needs to know beyond the topology.
export interface ChaosContext {
  readonly namespace: string;
  readonly statefulSet: string;
  // The StatefulSet's pod selector: what a zone-wide or workload-wide fault selects.
  readonly podLabels: Readonly<Record<string, string>>;
  // The container running PostgreSQL: stress, I/O and time faults act on it.
  readonly container: string;
  // Addresses outside the pods that a cut-off zone loses too: the control-plane nodes (where
  // kind's NodePorts enter, and where kind's API server listens).
  readonly controlPlaneAddresses: readonly string[];
  // Where the pods reach the API server (Patroni's DCS): the `kubernetes` Service's cluster
  // IPs and the API servers behind it (see api-server.ts). Absent when not read (dry run).
  readonly apiServerAddresses?: readonly string[];
}

export interface ResolvedChaos {
  readonly targets: string[];
  // Built with a placeholder name; the injector names and labels it when armed.
  readonly object: ChaosObject;
}

type Build = (params: FaultParams, topology: Topology, ctx: ChaosContext, meta: ChaosMeta) => ResolvedChaos;

const workload = (ctx: ChaosContext): Pick<ChaosSelector, 'namespaces' | 'labelSelectors'> => ({ namespaces: [ctx.namespace], labelSelectors: { ...ctx.podLabels } });
const onePod = (ctx: ChaosContext, pod: string): ChaosSelector => ({ namespaces: [ctx.namespace], pods: { [ctx.namespace]: [pod] } });
const inZone = (ctx: ChaosContext, zone: string): ChaosSelector => ({ ...workload(ctx), nodeSelectors: { [ZONE_LABEL]: zone } });
const inNodes = (ctx: ChaosContext, nodes: readonly string[]): ChaosSelector => ({ ...workload(ctx), nodes: [...nodes] });

// A network fault narrowed to one pod, one zone, or (neither) every pod of the workload.
function narrowed(params: FaultParams, topology: Topology, ctx: ChaosContext): { selector: ChaosSelector; targets: string[] } {
  if (params.pod !== undefined) {
    const pod = selectPod(topology, params.pod).pod;
    return { selector: onePod(ctx, pod), targets: [pod] };
  }
  if (params.zone !== undefined) {
    const zone = selectZone(topology, params.zone);
    return { selector: inZone(ctx, zone), targets: [`zone ${zone}`] };
  }
  return { selector: workload(ctx), targets: [`every pod of ${ctx.statefulSet}`] };
}

const podFault =
  (action: 'pod-kill' | 'pod-failure'): Build =>
  (params, topology, ctx, meta) => {
    const pod = selectPod(topology, params.pod ?? 'primary').pod;
    const grace = typeof params.gracePeriod === 'number' ? Math.round(params.gracePeriod / 1000) : 0;
    return { targets: [pod], object: podChaos(meta, { action, selector: onePod(ctx, pod), gracePeriodSeconds: grace }) };
  };

const networkFault =
  (effectOf: (params: FaultParams) => NetworkEffect): Build =>
  (params, topology, ctx, meta) => {
    const { selector, targets } = narrowed(params, topology, ctx);
    return { targets, object: networkChaos(meta, { effect: effectOf(params), selector }) };
  };

const stress =
  (stressorOf: (params: FaultParams) => Parameters<typeof stressChaos>[1]['stressor']): Build =>
  (params, topology, ctx, meta) => {
    const pod = selectPod(topology, params.pod).pod;
    return { targets: [pod], object: stressChaos(meta, { selector: onePod(ctx, pod), stressor: stressorOf(params), containerNames: [ctx.container] }) };
  };

const io =
  (effectOf: (params: FaultParams) => Parameters<typeof ioChaos>[1]['effect']): Build =>
  (params, topology, ctx, meta) => {
    const pod = selectPod(topology, params.pod).pod;
    const path = String(params.path ?? DATA_MOUNT);
    // IOChaos hooks a mounted volume: the data volume when the path is on it.
    const volumePath = path === DATA_MOUNT || path.startsWith(`${DATA_MOUNT}/`) ? DATA_MOUNT : path;
    return {
      targets: [pod],
      object: ioChaos(meta, { selector: onePod(ctx, pod), effect: effectOf(params), volumePath, path, percent: Number(params.percent ?? 100), containerNames: [ctx.container] }),
    };
  };

// Each Chaos Mesh fault: how its parameters and the topology become one chaos object.
export const CHAOS_FAULTS: ReadonlyMap<FaultType, Build> = new Map<FaultType, Build>([
  ['pod-kill', podFault('pod-kill')],
  ['pod-failure', podFault('pod-failure')],
  // Every process of the primary gone at once, without a chance to shut down: its pod killed
  // with no grace period.
  ['primary-crash', (_params, topology, ctx, meta) => podFault('pod-kill')({ pod: 'primary', gracePeriod: 0 }, topology, ctx, meta)],
  [
    'network-delay',
    networkFault((p) => ({ action: 'delay', latencyMs: Number(p.latency), jitterMs: Number(p.jitter ?? 0), correlation: Number(p.correlation ?? 0) })),
  ],
  ['network-loss', networkFault((p) => ({ action: 'loss', loss: Number(p.loss) }))],
  [
    'zone-partition',
    (params, topology, ctx, meta) => {
      const zone = selectZone(topology, params.zone ?? 'primary');
      const others = topology.zones.filter((z) => z.name !== zone).flatMap((z) => z.nodes.map((n) => n.name));
      return {
        targets: [`zone ${zone}`, ...nodesOfZone(topology, zone).map((n) => n.name)],
        object: networkChaos(meta, { effect: { action: 'partition' }, selector: inZone(ctx, zone), target: inNodes(ctx, others), externalTargets: [...new Set([...ctx.controlPlaneAddresses, ...(ctx.apiServerAddresses ?? [])])] }),
      };
    },
  ],
  [
    'zone-pair-partition',
    (params, topology, ctx, meta) => {
      const [a, b] = (params.zones as [string, string]).map((z) => selectZone(topology, z)) as [string, string];
      return {
        targets: [`zone ${a}`, `zone ${b}`],
        object: networkChaos(meta, { effect: { action: 'partition' }, selector: inZone(ctx, a), target: inZone(ctx, b) }),
      };
    },
  ],
  ['cpu-stress', stress((p) => ({ cpu: { workers: Number(p.workers ?? 1), load: Number(p.load ?? 100) } }))],
  ['memory-stress', stress((p) => ({ memory: { workers: 1, size: String(p.size) } }))],
  ['io-latency', io((p) => ({ action: 'latency', delayMs: Number(p.delay) }))],
  ['io-fault', io((p) => ({ action: 'fault', errno: Number(p.errno ?? 5) }))],
  [
    'clock-skew',
    (params, topology, ctx, meta) => {
      const pod = selectPod(topology, params.pod).pod;
      const offset = Number(params.offset) * (params.direction === 'behind' ? -1 : 1);
      return { targets: [pod], object: timeChaos(meta, { selector: onePod(ctx, pod), offsetMs: offset, containerNames: [ctx.container] }) };
    },
  ],
]);
