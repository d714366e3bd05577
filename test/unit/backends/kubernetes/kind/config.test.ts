import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KIND_CLUSTERS, KIND_RESTORE_NODE_PORTS } from '../../../../../harness/backends/kubernetes/kind/plan.js';
import { kubernetesTargetSchema } from '../../../../../harness/scenario/schema/target.js';

// kind's v1alpha4 PortMapping (pkg/apis/config/v1alpha4/types.go): one port per entry, no
// ranges, these four fields only.
const PORT_MAPPING_FIELDS = ['containerPort', 'hostPort', 'listenAddress', 'protocol'];

interface KindNode {
  role: string;
  extraPortMappings?: Record<string, unknown>[];
}

const access = kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: 'kdrill-pg', allowedContexts: ['kind-kdrill'], allowedNamespaces: ['kdrill-pg'], provider: 'kind' }).access;

describe.each(Object.values(KIND_CLUSTERS))('kind config $config', ({ config }) => {
  const nodes = (parse(readFileSync(config, 'utf8')) as { nodes: KindNode[] }).nodes;
  const mappings = nodes.flatMap((n) => n.extraPortMappings ?? []);

  it('maps each NodePort a restore can take to the host port kdrill reaches it at, as the default access ports say', () => {
    const expected = Array.from({ length: KIND_RESTORE_NODE_PORTS.count }, (_, i) => ({ containerPort: KIND_RESTORE_NODE_PORTS.first + i, hostPort: access.restorePort + i, listenAddress: access.host, protocol: 'TCP' }));
    expect(nodes[0]!.role).toBe('control-plane');
    expect(nodes[0]!.extraPortMappings).toEqual([
      { containerPort: 30432, hostPort: access.readWritePort, listenAddress: access.host, protocol: 'TCP' },
      { containerPort: 30433, hostPort: access.readOnlyPort, listenAddress: access.host, protocol: 'TCP' },
      ...expected,
    ]);
  });

  it('keeps to kind’s PortMapping schema, each host port bound once', () => {
    for (const m of mappings) {
      expect(Object.keys(m).filter((k) => !PORT_MAPPING_FIELDS.includes(k))).toEqual([]);
      expect(Number.isInteger(m.containerPort) && Number.isInteger(m.hostPort)).toBe(true);
      expect(['TCP', 'UDP', 'SCTP']).toContain(m.protocol);
    }
    const bound = mappings.map((m) => `${String(m.listenAddress)}:${String(m.hostPort)}`);
    expect(new Set(bound).size).toBe(bound.length);
  });
});
