import { chaosObject, selectorSpec, type ChaosMeta, type ChaosObject, type ChaosSelector } from './types.js';

export type Stressor = { readonly cpu: { readonly workers: number; readonly load: number } } | { readonly memory: { readonly workers: number; readonly size: string } };

// StressChaos runs stress-ng inside the named containers' cgroups.
export function stressChaos(meta: ChaosMeta, options: { selector: ChaosSelector; stressor: Stressor; containerNames: readonly string[] }): ChaosObject {
  const stressors =
    'cpu' in options.stressor
      ? { cpu: { workers: options.stressor.cpu.workers, load: Math.round(options.stressor.cpu.load) } }
      : { memory: { workers: options.stressor.memory.workers, size: options.stressor.memory.size } };
  return chaosObject('StressChaos', meta, { mode: 'all', selector: selectorSpec(options.selector), stressors, containerNames: [...options.containerNames] });
}
