import type { LocalCluster } from '../cluster/handle.js';
import { getJson } from '../cluster/observe.js';
import { patroniPrefix, v3KeysUnder } from './etcdctl.js';

// Patroni's keys in the DCS, relative to its cluster prefix ("leader", "members/a-1"…), read
// the way Patroni writes them: etcd's v2 API for the `etcd` DCS, v3 for `etcd3`. Empty when
// etcd does not answer.
export async function patroniKeysOf(cluster: LocalCluster): Promise<string[]> {
  const prefix = patroniPrefix(cluster.state.clusterId);
  for (const node of cluster.plan.nodes) {
    const endpoint = `http://${node.address}:2379`;
    if (cluster.state.options.dcs === 'etcd3') {
      const keys = await v3KeysUnder(endpoint, prefix, { timeoutMs: 10_000 }).catch(() => undefined);
      if (keys) return keys;
      continue;
    }
    const r = await getJson(`${endpoint}/v2/keys${prefix}?recursive=true`, 3_000);
    if (!r) continue;
    if (r.status === 404) return [];
    const keys: string[] = [];
    const walk = (n: { key?: string; dir?: boolean; nodes?: unknown[] }) => {
      if (!n.dir && n.key) keys.push(n.key.slice(prefix.length));
      for (const child of n.nodes ?? []) walk(child as typeof n);
    };
    walk((r.body as { node?: { nodes?: unknown[] } }).node ?? {});
    return keys.sort();
  }
  return [];
}

// The keys that say Patroni knows its cluster again: a leader, its initialisation, its
// configuration and every member.
export function missingPatroniState(keys: readonly string[], members: readonly string[]): string[] {
  const wanted = ['leader', 'initialize', 'config', ...members.map((m) => `members/${m}`)];
  return wanted.filter((k) => !keys.includes(k));
}
