import { z } from 'zod';
import { nodeSelector } from '../selectors.js';

export const EtcdMemberKillParams = z
  .strictObject({ node: nodeSelector.default('primary') })
  .describe('etcd-member-kill parameters');
export type EtcdMemberKillParams = z.infer<typeof EtcdMemberKillParams>;
