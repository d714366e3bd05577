import { chaosObject, goDuration, selectorSpec, type ChaosMeta, type ChaosObject, type ChaosSelector } from './types.js';

export type NetworkEffect =
  | { readonly action: 'delay'; readonly latencyMs: number; readonly jitterMs: number; readonly correlation: number }
  | { readonly action: 'loss'; readonly loss: number }
  | { readonly action: 'partition' };

// NetworkChaos on the selected pods. With `target`, only traffic between the two sides is
// affected, in both directions; `externalTargets` adds addresses outside the pods (the nodes
// of the control plane and the API server's Service and endpoints, for a zone cut off from
// them). Chaos Mesh puts them, as <ip>/32, in the ipset its iptables rules drop in the pod.
export function networkChaos(
  meta: ChaosMeta,
  options: { effect: NetworkEffect; selector: ChaosSelector; target?: ChaosSelector; externalTargets?: readonly string[] },
): ChaosObject {
  const { effect } = options;
  const spec: Record<string, unknown> = {
    action: effect.action,
    mode: 'all',
    selector: selectorSpec(options.selector),
    direction: options.target || options.externalTargets?.length ? 'both' : 'to',
  };
  if (options.target) spec.target = { mode: 'all', selector: selectorSpec(options.target) };
  if (options.externalTargets?.length) spec.externalTargets = [...options.externalTargets];
  if (effect.action === 'delay') {
    spec.delay = { latency: goDuration(effect.latencyMs), jitter: goDuration(effect.jitterMs), correlation: String(effect.correlation) };
  }
  if (effect.action === 'loss') spec.loss = { loss: String(effect.loss), correlation: '0' };
  return chaosObject('NetworkChaos', meta, spec);
}
