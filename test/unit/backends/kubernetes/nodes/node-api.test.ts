import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../../harness/backends/kubernetes/client/kube-client.js';
import { holdTaint, OUT_OF_SERVICE_TAINT } from '../../../../../harness/backends/kubernetes/nodes/node-api.js';
import type { JsonObject } from '../../../../helpers/kube-api/patch.js';
import { KubeTestServer } from '../../../../helpers/kube-api/server.js';

// The node controller of Kubernetes < 1.26 writes a node's whole taint list from its cache
// (kubernetes#113136): a taint set just before its own NoExecute swap is dropped. The real
// controller does this in integration/kubernetes/node-lifecycle.test.ts, when the timing
// falls that way; here it happens every time, at a chosen moment.
let api: KubeTestServer;
let client: KubeClient;
const NODE = 'kdrill-worker';
const UNREACHABLE = [
  { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
];
const taints = () => ((api.object('v1', 'Node', undefined, NODE)!.spec as JsonObject).taints as { key: string }[] | undefined) ?? [];

beforeEach(async () => {
  api = await KubeTestServer.start();
  api.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { taints: [UNREACHABLE[0]] }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
  client = new KubeClient(api.kubeConfig(), { retry: { attempts: 2, baseDelayMs: 5 } });
});
afterEach(async () => {
  await api.close();
});

describe('holdTaint', () => {
  it('puts back a taint the node controller dropped with its stale-cache swap, and returns once the swap is done', async () => {
    let swapped = false;
    const unsubscribe = api.store.subscribe((event) => {
      const taintsNow = ((event.object.spec as JsonObject | undefined)?.taints as { key: string }[] | undefined) ?? [];
      if (swapped || event.object.kind !== 'Node' || !taintsNow.some((t) => t.key === OUT_OF_SERVICE_TAINT.key)) return;
      swapped = true;
      // The controller's patch from the node as it cached it before kdrill's write.
      setImmediate(() => api.put({ ...api.object('v1', 'Node', undefined, NODE)!, spec: { taints: UNREACHABLE } }));
    });
    const putBack = await holdTaint(client, NODE, OUT_OF_SERVICE_TAINT, { timeoutMs: 5_000, settleMs: 300 });
    unsubscribe();
    expect(swapped).toBe(true);
    expect(putBack).toBe(1);
    expect(taints().map((t) => t.key).sort()).toEqual([OUT_OF_SERVICE_TAINT.key, ...UNREACHABLE.map((t) => t.key)].sort());
  });

  it('a controller that never swaps: the taint stays, and the hold ends at its timeout without an error', async () => {
    expect(await holdTaint(client, NODE, OUT_OF_SERVICE_TAINT, { timeoutMs: 800, settleMs: 300 })).toBe(0);
    expect(taints().map((t) => t.key)).toContain(OUT_OF_SERVICE_TAINT.key);
  });

  it('a taint removed again and again until the timeout is an error naming it', async () => {
    const unsubscribe = api.store.subscribe((event) => {
      const taintsNow = ((event.object.spec as JsonObject | undefined)?.taints as { key: string }[] | undefined) ?? [];
      if (event.object.kind === 'Node' && taintsNow.some((t) => t.key === OUT_OF_SERVICE_TAINT.key)) setImmediate(() => api.put({ ...api.object('v1', 'Node', undefined, NODE)!, spec: { taints: UNREACHABLE } }));
    });
    await expect(holdTaint(client, NODE, OUT_OF_SERVICE_TAINT, { timeoutMs: 1_500, settleMs: 300 })).rejects.toThrow(/node\.kubernetes\.io\/out-of-service:NoExecute on node kdrill-worker kept being removed/);
    unsubscribe();
  });
});
