// Where a load driver finds the database, as the KDRILL_* variables every driver reads (k6
// scripts, the bundled ledger driver). The password is never among them: it travels in
// KDRILL_DB_PASSWORD, set only in the driver's environment (or from a Secret).
export function driverVariables(db: { readonly host: string; readonly port: number; readonly user: string; readonly database: string }, rate: number | 'max'): Record<string, string> {
  return {
    KDRILL_DB_HOST: db.host,
    KDRILL_DB_PORT: String(db.port),
    KDRILL_DB_USER: db.user,
    KDRILL_DB_NAME: db.database,
    KDRILL_RATE: String(rate),
  };
}
