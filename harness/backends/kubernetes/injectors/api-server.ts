import { isIPv4 } from 'node:net';
import { KubeApiError } from '../client/api-error.js';
import type { KubeClient } from '../client/kube-client.js';
import type { KubeObject } from '../client/types.js';

// Where a pod reaches the API server, which a zone cut off from the control plane must lose
// too: Patroni's DCS is the API, and a primary that still reaches it keeps its leader lease.
// - The `kubernetes` Service's cluster IPs (default/kubernetes spec.clusterIPs): in-cluster
//   clients, Patroni included, connect to KUBERNETES_SERVICE_HOST, that IP. kube-proxy
//   translates it in the node's network namespace, after the packet left the pod's, where
//   Chaos Mesh's partition rules act: there the destination is still the cluster IP.
// - The API servers behind it (the `kubernetes` Endpoints): Patroni's bypass_api_service
//   connects to those directly, as does traffic a CNI translates inside the pod.
export interface ApiServerAddresses {
  readonly addresses: readonly string[];
  // What could not be read or used, for the log: a partition that cuts less must say so.
  readonly notes: readonly string[];
}

const SERVICE = { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'kubernetes' } as const;
const ENDPOINTS = { ...SERVICE, kind: 'Endpoints' } as const;

function why(error: unknown): string {
  return error instanceof KubeApiError ? `${error.status} ${error.reason}` : (error as Error).message.split('\n')[0]!;
}

async function read(client: KubeClient, ref: typeof SERVICE | typeof ENDPOINTS): Promise<KubeObject | string> {
  try {
    return (await client.get(ref)) ?? 'it does not exist';
  } catch (error) {
    return why(error);
  }
}

// Reads both objects; never throws. Chaos Mesh v2.8.3 makes "<ip>/32" of every external
// target (controllers/podnetworkchaos/netutils IPToCidr), so IPv6 addresses are left out.
export async function readApiServerAddresses(client: KubeClient): Promise<ApiServerAddresses> {
  const notes: string[] = [];
  const found: string[] = [];
  const service = await read(client, SERVICE);
  if (typeof service === 'string') {
    notes.push(
      `cannot read the Service default/kubernetes (${service}): a zone-partition cuts the control-plane nodes only, not the API server's cluster IP, so a partitioned Patroni may keep its leader lease; grant get on services and endpoints in namespace default`,
    );
  } else {
    const spec = service.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
    found.push(...(spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None'));
  }
  const endpoints = await read(client, ENDPOINTS);
  if (typeof endpoints === 'string') {
    notes.push(`cannot read the Endpoints default/kubernetes (${endpoints}): a zone-partition does not cut the API servers behind the Service (Patroni with bypass_api_service connects to those)`);
  } else {
    const subsets = (endpoints.subsets as { addresses?: { ip?: string }[] }[] | undefined) ?? [];
    found.push(...subsets.flatMap((s) => s.addresses ?? []).flatMap((a) => (a.ip ? [a.ip] : [])));
  }
  const unique = [...new Set(found)];
  for (const ip of unique.filter((a) => !isIPv4(a))) notes.push(`zone-partition leaves out ${ip}: Chaos Mesh 2.8.3 partitions IPv4 addresses only`);
  return { addresses: unique.filter((a) => isIPv4(a)), notes };
}
