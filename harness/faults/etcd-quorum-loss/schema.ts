import { z } from 'zod';

export const EtcdQuorumLossParams = z
  .strictObject({
    members: z
      .number()
      .int()
      .min(2)
      .optional()
      .describe('a whole number of etcd members to kill, at least 2 (default: a majority)'),
  })
  .describe('etcd-quorum-loss parameters');
export type EtcdQuorumLossParams = z.infer<typeof EtcdQuorumLossParams>;
