import { SCOPE } from '../config/patroni.js';
import { run } from '../exec.js';

export const etcdctl = (args: readonly string[], timeoutMs = 60_000) => run('etcdctl', args, { timeoutMs, env: { ...process.env, ETCDCTL_API: '3' } });

// Where Patroni keeps a cluster's keys (its `namespace`, then its scope).
export const patroniPrefix = (clusterId: string): string => `/kdrill-${clusterId}/${SCOPE}/`;

// The v3 keys under `prefix` on one member, relative to the prefix, sorted. etcdctl gives up
// after `commandTimeoutS` (its own default, 5 s); the process is killed after `timeoutMs`.
export async function v3KeysUnder(endpoint: string, prefix: string, o: { commandTimeoutS?: number; timeoutMs?: number } = {}): Promise<string[]> {
  const listed = await etcdctl(['--endpoints', endpoint, `--command-timeout=${o.commandTimeoutS ?? 5}s`, 'get', prefix, '--prefix', '--keys-only'], o.timeoutMs ?? 60_000);
  return listed.stdout.split('\n').filter(Boolean).map((k) => k.slice(prefix.length)).sort();
}
