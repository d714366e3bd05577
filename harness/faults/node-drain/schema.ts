import { z } from 'zod';
import { nodeSelector } from '../selectors.js';

export const NodeDrainParams = z
  .strictObject({ node: nodeSelector.default('primary') })
  .describe('node-drain parameters');
export type NodeDrainParams = z.infer<typeof NodeDrainParams>;
