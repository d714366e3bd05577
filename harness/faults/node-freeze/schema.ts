import { z } from 'zod';
import { nodeSelector } from '../selectors.js';

export const NodeFreezeParams = z
  .strictObject({ node: nodeSelector.default('primary') })
  .describe('node-freeze parameters');
export type NodeFreezeParams = z.infer<typeof NodeFreezeParams>;
