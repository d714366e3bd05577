import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';

export interface InClusterDatabase {
  readonly db: { readonly host: string; readonly port: number; readonly user: string; readonly database: string };
  readonly passwordSecret: { readonly name: string; readonly key: string };
}

// Where a load Job finds the database, in the KDRILL_* variables every driver reads; the
// password is a secretKeyRef, so no object kdrill creates holds it.
export function databaseEnv(o: InClusterDatabase & { readonly rate: number | 'max' }): IEnvVar[] {
  return [
    { name: 'KDRILL_DB_HOST', value: o.db.host },
    { name: 'KDRILL_DB_PORT', value: String(o.db.port) },
    { name: 'KDRILL_DB_USER', value: o.db.user },
    { name: 'KDRILL_DB_NAME', value: o.db.database },
    { name: 'KDRILL_RATE', value: String(o.rate) },
    { name: 'KDRILL_DB_PASSWORD', valueFrom: { secretKeyRef: { name: o.passwordSecret.name, key: o.passwordSecret.key } } },
  ];
}
