import path from 'node:path';
import { tryRun } from './exec.js';
import { postgresBinDir } from './processes/pg-tools.js';

// What each component of the local cluster says its version is (for the report's environment),
// each from its own --version; a component that does not answer is left out.
export async function localVersions(): Promise<Record<string, string>> {
  const bin = await postgresBinDir().catch(() => '/usr/lib/postgresql/15/bin');
  const asks: [name: string, argv: string[], pick: RegExp][] = [
    ['postgresql', [path.join(bin, 'postgres'), '--version'], /(\d+\.\d+[^\s]*)/],
    ['patroni', ['patroni', '--version'], /(\d+\.\d+\.\d+)/],
    ['etcd', ['etcd', '--version'], /etcd Version: (\S+)/],
    ['pgbackrest', ['pgbackrest', 'version'], /pgBackRest (\S+)/],
    ['haproxy', ['haproxy', '-v'], /version (\S+)/],
  ];
  const found = await Promise.all(
    asks.map(async ([name, argv, pick]) => {
      const result = await tryRun(argv[0]!, argv.slice(1), { timeoutMs: 5_000 });
      if (result instanceof Error) return undefined;
      const version = pick.exec(`${result.stdout}\n${result.stderr}`)?.[1];
      return version ? ([name, version] as const) : undefined;
    }),
  );
  return Object.fromEntries(found.filter((f): f is readonly [string, string] => f !== undefined));
}
