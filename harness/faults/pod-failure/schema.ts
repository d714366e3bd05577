import { z } from 'zod';
import { podSelector } from '../selectors.js';

export const PodFailureParams = z
  .strictObject({ pod: podSelector.default('primary') })
  .describe('pod-failure parameters');
export type PodFailureParams = z.infer<typeof PodFailureParams>;
