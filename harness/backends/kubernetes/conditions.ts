import { ErrorCode, KdrillError } from '../../common/errors.js';
import { writeOnce, type DbTarget } from '../../db/target.js';
import type { ClusterView } from './cluster-view.js';

// Wait conditions, each one observation of the cluster view (the engine polls).
// Each member's replication lag in bytes as Patroni's GET /cluster reports it (undefined: unknown).
export type LagReader = (leader: string) => Promise<Readonly<Record<string, number | undefined>>>;

export async function checkCondition(condition: string, view: ClusterView, options: { replicas: number; service: DbTarget; lags: LagReader }): Promise<{ met: boolean; detail?: unknown }> {
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
    case 'cluster-healthy': {
      const healthy = primaries.length === 1 && replicas.length === options.replicas - 1;
      return { met: healthy, detail: { primaries, replicas, roles } };
    }
    case 'replication-caught-up': {
      const healthy = primaries.length === 1 && replicas.length === options.replicas - 1;
      if (!healthy) return { met: false, detail: { primaries, replicas, roles } };
      const lags = await options.lags(primaries[0]!);
      const lagging = replicas.filter((r) => lags[r] !== 0);
      return { met: lagging.length === 0, detail: { primaries, replicas, lags } };
    }
    default:
      throw new KdrillError(ErrorCode.INTERNAL, `the kubernetes backend does not know the condition ${condition}`);
  }
}
