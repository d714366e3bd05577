import type { z } from 'zod';

// Recovery and maintenance actions a scenario step can run.
export const ACTION_TYPES = ['failover', 'switchover', 'backup', 'restore', 'etcd-snapshot', 'etcd-restore'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface ActionDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly type: ActionType;
  readonly summary: string;
  readonly params: S;
  describe(params: z.infer<S>): string;
}
