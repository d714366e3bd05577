import { run } from './exec.js';
import { USERNS_ARGS } from './userns.js';

export type PrivilegeMode = 'root' | 'userns' | 'loopback';

export interface PrivilegeReport {
  readonly mode: PrivilegeMode | undefined; // the first strategy that works here, as this version can use it
  readonly attempts: readonly { strategy: string; reason: string }[];
}

// Strategies in order: root; an unprivileged user namespace (map-current-user + keep-caps, so
// PostgreSQL does not run as uid 0); loopback (process faults only). Each failure says why.
export async function detectPrivilege(requested: 'auto' | PrivilegeMode = 'auto'): Promise<PrivilegeReport> {
  const attempts: { strategy: string; reason: string }[] = [];
  const uid = process.getuid?.() ?? -1;
  if (requested === 'auto' || requested === 'root') {
    if (uid === 0) return { mode: 'root', attempts };
    attempts.push({ strategy: 'root', reason: `kdrill runs as uid ${uid}, not root` });
  }
  if (requested === 'auto' || requested === 'userns') {
    try {
      await run('unshare', [...USERNS_ARGS, 'true'], { timeoutMs: 5_000 });
      return { mode: 'userns', attempts };
    } catch (error) {
      attempts.push({ strategy: 'unprivileged user namespace', reason: `unshare ${USERNS_ARGS.join(' ')} failed (${(error as Error).message.split(': ').slice(-1)[0]}); check kernel.unprivileged_userns_clone and user.max_user_namespaces` });
    }
  }
  // Loopback needs no privilege: every node on its own 127.18.x address, process faults only.
  if (requested === 'auto' || requested === 'loopback') return { mode: 'loopback', attempts };
  return { mode: undefined, attempts };
}

// Programs the local backend runs.
export const REQUIRED_PROGRAMS = ['ip', 'etcd', 'etcdctl', 'patroni', 'patronictl', 'haproxy', 'setpriv'] as const;

export async function missingPrograms(): Promise<string[]> {
  const missing: string[] = [];
  for (const program of REQUIRED_PROGRAMS) {
    try {
      await run('sh', ['-c', `command -v ${program}`], { timeoutMs: 5_000 });
    } catch {
      missing.push(program);
    }
  }
  return missing;
}
