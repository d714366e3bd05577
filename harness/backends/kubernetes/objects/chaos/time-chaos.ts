import { chaosObject, goDuration, selectorSpec, type ChaosMeta, type ChaosObject, type ChaosSelector } from './types.js';

// TimeChaos shifts the clocks the named containers read (CLOCK_REALTIME).
export function timeChaos(meta: ChaosMeta, options: { selector: ChaosSelector; offsetMs: number; containerNames: readonly string[] }): ChaosObject {
  const sign = options.offsetMs < 0 ? '-' : '';
  return chaosObject('TimeChaos', meta, {
    mode: 'all',
    selector: selectorSpec(options.selector),
    timeOffset: `${sign}${goDuration(Math.abs(options.offsetMs))}`,
    clockIds: ['CLOCK_REALTIME'],
    containerNames: [...options.containerNames],
  });
}
