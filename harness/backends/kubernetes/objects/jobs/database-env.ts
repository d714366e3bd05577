import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { driverVariables } from '../../../../load/driver-variables.js';

export interface InClusterDatabase {
  readonly db: { readonly host: string; readonly port: number; readonly user: string; readonly database: string };
  readonly passwordSecret: { readonly name: string; readonly key: string };
}

// Where a load Job finds the database; the password is a secretKeyRef, so no object kdrill
// creates holds it.
export function databaseEnv(o: InClusterDatabase & { readonly rate: number | 'max' }): IEnvVar[] {
  return [
    ...Object.entries(driverVariables(o.db, o.rate)).map(([name, value]) => ({ name, value })),
    { name: 'KDRILL_DB_PASSWORD', valueFrom: { secretKeyRef: { name: o.passwordSecret.name, key: o.passwordSecret.key } } },
  ];
}
