import type { KubeObject } from '../../client/types.js';
import { patroniAccess } from './access.js';
import type { PostgresFixtureOptions } from './options.js';
import { passwordSecret, type PostgresPasswords } from './secret.js';
import { disruptionBudget, patroniConfigMap, postgresServices } from './services.js';
import { postgresStatefulSet } from './statefulset.js';

export * from './options.js';
export { generatePasswords, SECRET_KEYS, type PostgresPasswords } from './secret.js';

// Every object of the PostgreSQL fixture, in the order they are applied: what the pods need
// (identity, permissions, passwords, configuration) before the StatefulSet that starts them.
export function postgresFixture(o: PostgresFixtureOptions, passwords: PostgresPasswords): KubeObject[] {
  const objects: object[] = [...patroniAccess(o), passwordSecret(o, passwords), patroniConfigMap(o), ...postgresServices(o), disruptionBudget(o), postgresStatefulSet(o)];
  return objects as KubeObject[];
}
