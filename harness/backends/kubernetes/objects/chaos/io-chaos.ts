import { chaosObject, goDuration, selectorSpec, type ChaosMeta, type ChaosObject, type ChaosSelector } from './types.js';

export type IoEffect = { readonly action: 'latency'; readonly delayMs: number } | { readonly action: 'fault'; readonly errno: number };

// IOChaos injects into a mounted volume (`volumePath`, a mount point of the container) for
// the files under `path`.
export function ioChaos(
  meta: ChaosMeta,
  options: { selector: ChaosSelector; effect: IoEffect; volumePath: string; path: string; percent: number; containerNames: readonly string[] },
): ChaosObject {
  const { effect } = options;
  return chaosObject('IOChaos', meta, {
    action: effect.action,
    mode: 'all',
    selector: selectorSpec(options.selector),
    volumePath: options.volumePath,
    path: `${options.path.replace(/\/+$/, '')}/**/*`,
    percent: Math.round(options.percent),
    containerNames: [...options.containerNames],
    ...(effect.action === 'latency' ? { delay: goDuration(effect.delayMs) } : { errno: effect.errno }),
  });
}
