import { planAddresses } from '../address-plan.js';
import { destroyNetwork } from '../network/index.js';
import { isRunning, signalProcess, waitGone } from '../processes/index.js';
import { removeClusterDir, saveState, type ClusterState } from '../state.js';

// Removes every process, namespace, link and directory of a cluster, whatever state it is
// in (also half-built, or after a harness crash). Idempotent. Returns what could not be removed.
export async function destroyCluster(state: ClusterState, options: { log?: (line: string) => void; keepData?: boolean } = {}): Promise<string[]> {
  const log = options.log ?? (() => {});
  state.phase = 'destroying';
  await saveState(state).catch(() => undefined);
  const problems: string[] = [];
  const plan = planAddresses(state.clusterId, state.slot, state.topology);
  // Processes first: SIGKILL, since their data is about to be removed anyway.
  const records = Object.values(state.processes);
  await Promise.all(records.map((r) => signalProcess(r, 'SIGKILL')));
  for (const r of records) {
    if (!(await waitGone(r, 5_000)) && (await isRunning(r))) problems.push(`process ${r.role} (pid ${r.pid}) survived SIGKILL`);
  }
  problems.push(...(await destroyNetwork(plan)));
  if (!options.keepData && problems.length === 0) await removeClusterDir(state);
  log(problems.length === 0 ? `cluster ${state.clusterId}: removed` : `cluster ${state.clusterId}: removal incomplete: ${problems.join('; ')}`);
  return problems;
}
