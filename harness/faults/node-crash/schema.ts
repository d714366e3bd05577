import { z } from 'zod';
import { nodeSelector } from '../selectors.js';

export const NodeCrashParams = z
  .strictObject({ node: nodeSelector.default('primary') })
  .describe('node-crash parameters');
export type NodeCrashParams = z.infer<typeof NodeCrashParams>;
