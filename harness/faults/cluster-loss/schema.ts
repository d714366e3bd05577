import { z } from 'zod';

export const ClusterLossParams = z.strictObject({}).describe('cluster-loss parameters (none)');
export type ClusterLossParams = z.infer<typeof ClusterLossParams>;
