import { describe, expect, it } from 'vitest';
import { planAddresses, slotRange } from '../../../../harness/backends/local/address-plan.js';
import type { TopologyFile } from '../../../../harness/backends/local/topology-file.js';

const topology: TopologyFile = { apiVersion: 'kdrill.dev/v1alpha1', kind: 'Topology', zones: [{ name: 'a', nodes: 2 }, { name: 'b', nodes: 1 }] };

describe('planAddresses', () => {
  it('gives every node a namespace and an address in its zone subnet of the slot, all inside 198.18.0.0/15', () => {
    const plan = planAddresses('ab12', 2, topology);
    expect(plan.nodes.map((n) => [n.name, n.netns, n.address])).toEqual([
      ['a-1', 'kdrill-ab12-a-1', '198.18.33.11'],
      ['a-2', 'kdrill-ab12-a-2', '198.18.33.12'],
      ['b-1', 'kdrill-ab12-b-1', '198.18.34.11'],
    ]);
    expect(plan.zones.map((z) => [z.name, z.subnet, z.gateway])).toEqual([
      ['a', '198.18.33.0/24', '198.18.33.1'],
      ['b', '198.18.34.0/24', '198.18.34.1'],
    ]);
    expect([plan.hostAddress, plan.routerHostSide, plan.hostLink, plan.routerNetns]).toEqual(['198.18.32.1', '198.18.32.2', 'kdrab12', 'kdrill-ab12-router']);
    expect(plan.ports).toEqual({ readWrite: 15420, readOnly: 15421, haproxyStats: 15422 });
    expect(slotRange(2)).toBe('198.18.32.0/20');
  });

  it('keeps every address of every slot inside the benchmarking range and interface names within 15 characters', () => {
    for (let slot = 0; slot < 16; slot++) {
      const plan = planAddresses('ffff', slot, { ...topology, zones: [{ name: 'zone5', nodes: 5 }, { name: 'b', nodes: 5 }, { name: 'c', nodes: 5 }, { name: 'd', nodes: 5 }, { name: 'e', nodes: 5 }] });
      for (const address of [plan.hostAddress, plan.routerHostSide, ...plan.nodes.map((n) => n.address)]) {
        const [a, b, c] = address.split('.').map(Number);
        expect([a, b]).toEqual([198, 18]);
        expect(c).toBeLessThan(256);
      }
      for (const name of [plan.hostLink, ...plan.nodes.map((n) => n.routerPort), ...plan.zones.map((z) => z.bridge)]) expect(name.length).toBeLessThanOrEqual(15);
    }
  });

  it('puts loopback-mode nodes on 127.18.x addresses', () => {
    expect(planAddresses('ab12', 0, topology, 'loopback').nodes.map((n) => n.address)).toEqual(['127.18.1.11', '127.18.1.12', '127.18.2.11']);
  });

  it('refuses a slot outside 0…15', () => {
    expect(() => planAddresses('ab12', 16, topology)).toThrow('slot must be 0…15, got 16');
  });
});
