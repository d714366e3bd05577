import type { Scenario } from '../../scenario/schema/index.js';

export type KubernetesTarget = Extract<Scenario['target'], { backend: 'kubernetes' }>;

// The Secret holding the password kdrill connects with.
export function passwordSecretOf(target: KubernetesTarget): { name: string; key: string; user: string } {
  return { name: target.passwordSecret.name ?? `${target.statefulSet}-passwords`, key: target.passwordSecret.key, user: target.passwordSecret.user };
}

// Where a load run as a Job finds the database: the read-write Service inside the cluster,
// the password from the same Secret (a secretKeyRef), never copied into an object.
export function inClusterDatabase(target: KubernetesTarget, database: string) {
  const secret = passwordSecretOf(target);
  return {
    namespace: target.namespace,
    db: { host: `${target.readWriteService ?? target.statefulSet}.${target.namespace}.svc`, port: 5432, user: secret.user, database },
    passwordSecret: { name: secret.name, key: secret.key },
  };
}
