import { chaosObject, selectorSpec, type ChaosMeta, type ChaosObject, type ChaosSelector } from './types.js';

// PodChaos: pod-kill deletes the pods (the StatefulSet recreates them); pod-failure swaps
// their containers' image for a pause image until the object is deleted.
export function podChaos(meta: ChaosMeta, options: { action: 'pod-kill' | 'pod-failure'; selector: ChaosSelector; gracePeriodSeconds?: number }): ChaosObject {
  return chaosObject('PodChaos', meta, {
    action: options.action,
    mode: 'all',
    selector: selectorSpec(options.selector),
    ...(options.action === 'pod-kill' ? { gracePeriod: options.gracePeriodSeconds ?? 0 } : {}),
  });
}
