import { z } from 'zod';
import { nodeSelector } from '../selectors.js';

export const NodeIsolationParams = z
  .strictObject({ node: nodeSelector.default('primary') })
  .describe('node-isolation parameters');
export type NodeIsolationParams = z.infer<typeof NodeIsolationParams>;
