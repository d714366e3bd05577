import { nodesOf, type NodeSpec, type TopologyFile } from './topology-file.js';

// Every name, address and port of one local cluster, derived from its id and slot alone, so
// that teardown after a crash can recompute what to remove.
//
// Addresses come only from 198.18.0.0/15. Slot s owns 198.18.(16s).0 – 198.18.(16s+15).255:
//   198.18.(16s).0/30        the link from the root namespace (host) to the router namespace
//   198.18.(16s+1+z).0/24    zone z: a bridge in the router namespace (.1) and its nodes (.11…)
export const MAX_SLOTS = 16;

export interface NodePlan extends NodeSpec {
  readonly netns: string;
  readonly address: string;
  readonly routerPort: string; // the node's veth end inside the router namespace
}

export interface ZonePlan {
  readonly name: string;
  readonly index: number;
  readonly subnet: string; // "198.18.1.0/24"
  readonly gateway: string; // "198.18.1.1"
  readonly bridge: string; // inside the router namespace
}

// netns: every node a network namespace (root). loopback: every node its own 127.x address in
// the root namespace (no root needed; network faults impossible).
export type NetworkMode = 'netns' | 'loopback';

export interface AddressPlan {
  readonly mode: NetworkMode;
  readonly clusterId: string;
  readonly slot: number;
  readonly routerNetns: string;
  readonly hostLink: string; // veth end in the root namespace
  readonly hostAddress: string; // "198.18.0.1"
  readonly routerHostSide: string; // "198.18.0.2"
  readonly zones: readonly ZonePlan[];
  readonly nodes: readonly NodePlan[];
  readonly ports: { readonly readWrite: number; readonly readOnly: number; readonly haproxyStats: number };
}

export const NETNS_PREFIX = 'kdrill-';

// Ports on 127.0.0.1 for the HAProxy "Services" of slot s: 15400+10s (rw), +1 (ro), +2 (stats).
export function planAddresses(clusterId: string, slot: number, topology: TopologyFile, mode: NetworkMode = 'netns'): AddressPlan {
  // Loopback mode mirrors the layout inside 127.18.0.0/16, which the lo interface answers for.
  const net = mode === 'loopback' ? '127.18' : '198.18';
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS) throw new RangeError(`slot must be 0…${MAX_SLOTS - 1}, got ${slot}`);
  const base = 16 * slot;
  const zones = topology.zones.map((zone, index) => ({
    name: zone.name,
    index,
    subnet: `${net}.${base + 1 + index}.0/24`,
    gateway: `${net}.${base + 1 + index}.1`,
    bridge: `br-${zone.name}`,
  }));
  const nodes = nodesOf(topology).map((node) => ({
    ...node,
    netns: `${NETNS_PREFIX}${clusterId}-${node.name}`,
    address: `${net}.${base + 1 + node.zoneIndex}.${10 + node.indexInZone}`,
    routerPort: `v-${node.name}`,
  }));
  return {
    mode,
    clusterId,
    slot,
    routerNetns: `${NETNS_PREFIX}${clusterId}-router`,
    hostLink: `kdr${clusterId}`,
    hostAddress: `198.18.${base}.1`,
    routerHostSide: `198.18.${base}.2`,
    zones,
    nodes,
    ports: { readWrite: 15400 + 10 * slot, readOnly: 15401 + 10 * slot, haproxyStats: 15402 + 10 * slot },
  };
}

// The /20 a slot owns: what the root namespace routes through the router.
export function slotRange(slot: number): string {
  return `198.18.${16 * slot}.0/20`;
}

// A restore target outside the cluster: one namespace per restored instance, linked to the
// router by its own veth on a /30 of the slot's last /24 (zones use the first few), so the
// harness reaches it but no cluster member is on its link.
//   198.18.(16s+15).(4n)/30   restore n: the router's end .4n+1, the instance .4n+2
export const MAX_RESTORES = 64;

export interface RestorePlan {
  readonly name: string; // "restore-1"
  readonly index: number; // 1…MAX_RESTORES - 1
  readonly netns: string;
  readonly address: string;
  readonly routerAddress: string;
  readonly subnet: string; // "198.18.15.4/30"
  readonly routerPort: string; // its veth end inside the router namespace
}

export function planRestore(plan: Pick<AddressPlan, 'mode' | 'clusterId' | 'slot'>, index: number): RestorePlan {
  if (!Number.isInteger(index) || index < 1 || index >= MAX_RESTORES) throw new RangeError(`restore index must be 1…${MAX_RESTORES - 1}, got ${index}`);
  const net = plan.mode === 'loopback' ? '127.18' : '198.18';
  const third = 16 * plan.slot + 15;
  return {
    name: `restore-${index}`,
    index,
    netns: `${NETNS_PREFIX}${plan.clusterId}-restore-${index}`,
    address: `${net}.${third}.${4 * index + 2}`,
    routerAddress: `${net}.${third}.${4 * index + 1}`,
    subnet: `${net}.${third}.${4 * index}/30`,
    routerPort: `v-restore-${index}`,
  };
}
