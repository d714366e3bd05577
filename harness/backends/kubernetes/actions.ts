import { ErrorCode, KdrillError } from '../../common/errors.js';
import type { ActionType } from '../../actions/types.js';
import type { KubeClient } from './client/kube-client.js';
import { observe } from './client/observe.js';
import { podSelectorOf, roleOfPod, type ClusterView, type WorkloadRef } from './cluster-view.js';
import { conditionTrue } from './client/conditions.js';

export const HANDOVER_TIMEOUT_MS = 120_000;

// Patroni's REST API through the pod proxy: POST /switchover (the leader hands over) or
// POST /failover (promote the candidate without the leader), then wait until the API shows
// the candidate as the Ready leader.
export async function handOver(
  client: KubeClient,
  workload: WorkloadRef,
  view: ClusterView,
  type: Extract<ActionType, 'failover' | 'switchover'>,
  to: string | undefined,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  const primary = view.pods.find((p) => p.role === 'primary' && p.ready)?.name;
  const candidate = to ?? view.pods.find((p) => p.role === 'replica' && p.ready)?.name;
  if (!candidate) {
    const roles = view.pods.map((p) => `${p.name}=${p.role}${p.ready ? '' : ' (not ready)'}`).join(', ');
    throw new KdrillError(ErrorCode.STEP_FAILED, `${type}: no Ready replica to promote (${roles || 'no pods'})`);
  }
  if (type === 'switchover' && !primary) throw new KdrillError(ErrorCode.STEP_FAILED, 'switchover: no Ready leader to hand over from; a failover promotes without one');
  if (candidate === primary) return { from: primary, to: candidate, tookMs: 0, note: `${candidate} already leads` };
  const began = performance.now();
  // A switchover is asked of the leader; a failover of the candidate (the leader may be gone).
  const asked = type === 'switchover' ? primary! : candidate;
  const body = type === 'switchover' ? { leader: primary, candidate } : { candidate };
  const answer = await client.proxyRequest('POST', workload.namespace, asked, workload.patroniPort, `/${type}`, body);
  await observe(
    client,
    { apiVersion: 'v1', kind: 'Pod', namespace: workload.namespace, labelSelector: podSelectorOf(workload) },
    (pods) => {
      const pod = pods.find((p) => p.metadata.name === candidate);
      return pod && conditionTrue(pod, 'Ready') && roleOfPod(pod, workload.roleLabel) === 'primary' ? true : undefined;
    },
    { timeoutMs: options.timeoutMs ?? HANDOVER_TIMEOUT_MS, what: `${candidate} to lead after the ${type}`, ...(options.signal ? { signal: options.signal } : {}) },
  );
  return { from: primary ?? null, to: candidate, tookMs: performance.now() - began, patroni: answer.trim().slice(0, 200) };
}

// Patroni's GET /cluster from the leader: each replica's lag in bytes ("lag" is a number of
// bytes, or "unknown" while a member is not streaming).
export async function patroniLags(client: KubeClient, workload: WorkloadRef, leader: string): Promise<Record<string, number | undefined>> {
  const answer = JSON.parse(await client.proxyRequest('GET', workload.namespace, leader, workload.patroniPort, '/cluster')) as { members?: { name: string; role?: string; lag?: number | string }[] };
  return Object.fromEntries((answer.members ?? []).filter((m) => m.name !== leader).map((m) => [m.name, typeof m.lag === 'number' ? m.lag : undefined]));
}
