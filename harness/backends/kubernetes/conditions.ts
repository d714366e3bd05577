import { ErrorCode, KdrillError } from '../../common/errors.js';
import { writeOnce, type DbTarget } from '../../db/target.js';
import type { ClusterView } from './cluster-view.js';

// Wait conditions, each one observation of the cluster view (the engine polls).
export async function checkCondition(condition: string, view: ClusterView, options: { replicas: number; service: DbTarget }): Promise<{ met: boolean; detail?: unknown }> {
  const primaries = view.pods.filter((p) => p.role === 'primary' && p.ready).map((p) => p.name);
  const replicas = view.pods.filter((p) => p.role === 'replica' && p.ready).map((p) => p.name);
  const roles = Object.fromEntries(view.pods.map((p) => [p.name, `${p.role}${p.ready ? '' : ' (not ready)'}`]));
  switch (condition) {
    case 'leader-elected':
      return { met: primaries.length === 1, detail: { primaries, roles } };
    case 'service-restored': {
      const write = await writeOnce(options.service, 2_000);
      return { met: write.ok, detail: { ...write, primaries } };
    }
    case 'redundancy-restored':
    case 'cluster-healthy':
    case 'replication-caught-up': {
      const healthy = primaries.length === 1 && replicas.length === options.replicas - 1;
      return { met: healthy, detail: { primaries, replicas, roles } };
    }
    default:
      throw new KdrillError(ErrorCode.INTERNAL, `the kubernetes backend does not know the condition ${condition}`);
  }
}
