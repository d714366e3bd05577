import { randomBytes } from 'node:crypto';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { fixtureLabels, type PostgresFixtureOptions } from './options.js';

export interface PostgresPasswords {
  readonly superuser: string;
  readonly replication: string;
  readonly rewind: string;
}

export const SECRET_KEYS = { superuser: 'superuser-password', replication: 'replication-password', rewind: 'rewind-password' } as const;

export function generatePasswords(): PostgresPasswords {
  const one = (): string => randomBytes(18).toString('base64url');
  return { superuser: one(), replication: one(), rewind: one() };
}

// The passwords, as the pods read them from the environment. Never printed: --dry-run and
// the journal show this object with its data redacted.
export function passwordSecret(o: PostgresFixtureOptions, passwords: PostgresPasswords): ISecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${o.name}-passwords`, namespace: o.namespace, labels: fixtureLabels(o) },
    type: 'Opaque',
    stringData: { [SECRET_KEYS.superuser]: passwords.superuser, [SECRET_KEYS.replication]: passwords.replication, [SECRET_KEYS.rewind]: passwords.rewind },
  };
}
