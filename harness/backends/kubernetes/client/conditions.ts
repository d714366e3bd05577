import type { KubeObject } from './types.js';

// Whether an object's status lists the condition as True (a pod or node "Ready").
export const conditionTrue = (object: KubeObject, type: string): boolean =>
  (((object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions) ?? []).some((c) => c.type === type && c.status === 'True');
