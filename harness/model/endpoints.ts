// One database member reached without a connection string (psql run in its pod).
export interface MemberSession {
  readonly name: string;
  // The rows of one statement, each column as text ('' for null). @throws when the member
  // cannot run it (down, unreachable, the statement failed), with the member's words.
  query(sql: string, options: { readonly database: string; readonly timeoutMs: number }): Promise<string[][]>;
}

export interface Endpoints {
  // Connection strings carry no password; it is given separately and never logged.
  readonly readWrite: string;
  readonly readOnly?: string;
  readonly etcd?: readonly string[];
  // Each database member directly, for checks that compare them (replica consistency).
  readonly members?: readonly { readonly name: string; readonly url: string }[];
  // Where members cannot be reached by URL (pods in a cluster): a session per member that runs
  // one SQL statement at a time there and answers its rows as text.
  readonly memberSessions?: readonly MemberSession[];
  // Instances this run restored from backups, oldest first: a restore drill verifies the last.
  readonly restored?: readonly { readonly name: string; readonly url: string }[];
  readonly user?: string;
  readonly password?: string;
}
