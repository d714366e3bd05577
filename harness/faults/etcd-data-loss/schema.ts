import { z } from 'zod';
import { nodeSelector } from '../selectors.js';

export const EtcdDataLossParams = z
  .strictObject({ node: nodeSelector.default('primary') })
  .describe('etcd-data-loss parameters');
export type EtcdDataLossParams = z.infer<typeof EtcdDataLossParams>;
