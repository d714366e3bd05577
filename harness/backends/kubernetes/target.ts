import type { Scenario } from '../../scenario/schema/index.js';

export type KubernetesTarget = Extract<Scenario['target'], { backend: 'kubernetes' }>;

// The Secret holding the password kdrill connects with.
export function passwordSecretOf(target: KubernetesTarget): { name: string; key: string; user: string } {
  return { name: target.passwordSecret.name ?? `${target.statefulSet}-passwords`, key: target.passwordSecret.key, user: target.passwordSecret.user };
}
