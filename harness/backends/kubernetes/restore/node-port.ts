import { ErrorCode, KdrillError } from '../../../common/errors.js';
import type { KubeClient } from '../client/kube-client.js';
import { RUN_ID } from '../objects/labels.js';
import { RESTORE_LABEL } from './scratch-pod.js';

// NodePorts `first` … `first + count - 1`, the host reaching NodePort first+i at `port + i`
// (kind-config.yaml's extraPortMappings).
export interface NodePortRange {
  readonly first: number;
  readonly count: number;
}

interface ServiceSpec {
  type?: string;
  ports?: { nodePort?: number }[];
}

// The first NodePort of the range that no Service holds, and the host port mapped to it. The
// API server has one NodePort allocator for the whole cluster, so Services of every namespace
// count. With every one held, the error names the holders: instances kept by earlier runs
// (--keep-restored) are what `kdrill cleanup` removes.
export async function freeNodePort(client: KubeClient, range: NodePortRange, access: { host: string; port: number }): Promise<{ nodePort: number; port: number }> {
  const holders = new Map<number, string>();
  for (const service of (await client.list({ apiVersion: 'v1', kind: 'Service' })).items) {
    const spec = service.spec as ServiceSpec | undefined;
    if (spec?.type !== 'NodePort' && spec?.type !== 'LoadBalancer') continue;
    const labels = service.metadata.labels ?? {};
    const who = `${service.metadata.namespace}/${service.metadata.name}${labels[RESTORE_LABEL] ? ` (restored by run ${labels[RUN_ID] ?? 'unknown'})` : ''}`;
    for (const { nodePort } of spec.ports ?? []) if (nodePort) holders.set(nodePort, who);
  }
  for (let i = 0; i < range.count; i++) {
    if (!holders.has(range.first + i)) return { nodePort: range.first + i, port: access.port + i };
  }
  const last = range.first + range.count - 1;
  const held = Array.from({ length: range.count }, (_, i) => `${range.first + i} ${holders.get(range.first + i)}`);
  throw new KdrillError(
    ErrorCode.STEP_FAILED,
    `no NodePort is free for a restored instance: kind-config.yaml maps NodePorts ${range.first}-${last} to ${access.host}:${access.port}-${access.port + range.count - 1}, and Services hold them all: ${held.join(', ')}`,
    { hint: '`kdrill cleanup` removes restored instances kept with --keep-restored; a Service that is not kdrill’s must give its NodePort up' },
  );
}
