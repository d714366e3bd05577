import type { MemberSession } from '../../model/endpoints.js';
import type { KubeClient } from './client/kube-client.js';
import type { ClusterView } from './cluster-view.js';

// psql's unaligned output with a unit separator between fields: no value kdrill asks for holds it.
const FIELD = '\x1f';

// Each PostgreSQL pod of the StatefulSet as a session: psql run in its container over the
// local socket (the fixture's Patroni puts it in /tmp and trusts local connections), as the
// superuser, so replicas can be compared without a route to each pod. A pod that is down or
// whose node is gone answers with the exec's error, which the verifier reports.
export function memberSessions(client: KubeClient, view: ClusterView, namespace: string, container: string, socketDir = '/tmp'): MemberSession[] {
  return view.pods.map((pod) => ({
    name: pod.name,
    async query(sql, options) {
      if (pod.role === 'down') throw new Error(`pod ${namespace}/${pod.name} is down (${pod.terminating ? 'terminating' : `phase ${pod.phase}${pod.ready ? '' : ', not Ready'}`}${pod.node ? ` on ${pod.node}` : ''})`);
      const argv = ['psql', '-h', socketDir, '-U', 'postgres', '-d', options.database, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-F', FIELD, '-c', sql];
      const result = await client.exec(namespace, pod.name, container, argv, options.timeoutMs);
      if (result.exitCode !== 0) throw new Error(`psql in ${namespace}/${pod.name} exited ${result.exitCode}: ${result.stderr.trim().split('\n')[0] ?? ''}`);
      return result.stdout.split('\n').filter((line) => line !== '').map((line) => line.split(FIELD));
    },
  }));
}
