import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../harness/backends/kubernetes/client/kube-client.js';
import { connectKubernetes } from '../../../../harness/backends/kubernetes/connected.js';
import type { ConnectedBackend } from '../../../../harness/backends/types.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { API_SERVICE_IP, apiServerObjects, CONTROL_PLANE, NS, seedKindCluster } from '../../../helpers/kube-api/kind-like.js';
import type { JsonObject } from '../../../helpers/kube-api/patch.js';
import type { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { validatingApi } from '../../../helpers/kube-api/validating.js';

// Patroni in a pod reaches the API server at KUBERNETES_SERVICE_HOST, the `kubernetes`
// Service's cluster IP; a partition's rules act in the pod's network namespace, before
// kube-proxy translates that address, so the partition must name it.
let api: KubeTestServer;
let dispose: (() => PromiseLike<void>) | undefined;
let connected: ConnectedBackend | undefined;
let logged: string[];

const target = () => kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });

async function externalTargets(): Promise<unknown> {
  const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
  connected = await connectKubernetes(target(), client, { log: (line) => logged.push(line) });
  const plan = connected.injector('zone-partition').plan({ zone: 'primary' }, await connected.topology());
  return ((plan.resolved as { object: { spec: Record<string, unknown> } }).object.spec).externalTargets;
}

beforeEach(async () => {
  const started = await validatingApi('kdrill-partition-', []);
  api = started.api;
  dispose = () => started[Symbol.asyncDispose]();
  logged = [];
  await seedKindCluster(api);
});

afterEach(async () => {
  await connected?.[Symbol.asyncDispose]();
  connected = undefined;
  await dispose?.();
});

describe('kubernetes backend: a zone partition cuts the zone off from the API server', () => {
  it('lists the kubernetes Service’s cluster IP beside the control-plane nodes', async () => {
    expect(API_SERVICE_IP).toBe('10.96.0.1');
    // kind: the API server's endpoint is the control-plane node itself, listed once.
    expect(await externalTargets()).toEqual([CONTROL_PLANE.address, '10.96.0.1']);
    expect(logged.filter((l) => l.includes('kubernetes'))).toEqual([]);
  });

  it('lists every cluster IP of a dual-stack Service and every API server behind it, IPv4 only', async () => {
    const [, service, endpoints] = apiServerObjects(['172.18.0.10', '172.18.0.11']) as [JsonObject, JsonObject, JsonObject];
    api.put({ ...service, spec: { ...(service.spec as JsonObject), clusterIPs: ['10.96.0.1', 'fd00:10:96::1'], ipFamilies: ['IPv4', 'IPv6'] } });
    api.put(endpoints);
    expect(await externalTargets()).toEqual([CONTROL_PLANE.address, '10.96.0.1', '172.18.0.10', '172.18.0.11']);
    // Chaos Mesh v2.8.3 turns every external target into "<ip>/32" (IPv4 only).
    expect(logged).toContainEqual(expect.stringMatching(/zone-partition leaves out fd00:10:96::1: Chaos Mesh 2\.8\.3 partitions IPv4 addresses only/));
  });

  it('says so in the log when it cannot read the kubernetes Service (RBAC), and partitions what it knows', async () => {
    api.failNext({ path: /^\/api\/v1\/namespaces\/default\/(services|endpoints)\/kubernetes$/, status: 403, reason: 'Forbidden', times: 4 });
    expect(await externalTargets()).toEqual([CONTROL_PLANE.address]);
    expect(logged).toContainEqual(expect.stringMatching(/^cannot read the Service default\/kubernetes \(.*403.*\): a zone-partition cuts the control-plane nodes only, not the API server's cluster IP, so a partitioned Patroni may keep its leader lease; grant get on services and endpoints in namespace default/));
  });
});
