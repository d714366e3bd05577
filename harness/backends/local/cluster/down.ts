import { planAddresses, planRestore } from '../address-plan.js';
import { destroyNetwork, destroyRestoreNetwork } from '../network/index.js';
import { signalProcess, waitGone } from '../processes/index.js';
import { processesUnder } from '../processes/find.js';
import { isRunning, signalAll } from '../../../common/proc.js';
import { loadState, removeClusterDir, saveState, type ClusterState } from '../state.js';

// Removes every process, namespace, link and directory of a cluster, whatever state it is
// in (also half-built, or after a harness crash). Idempotent. Returns what could not be removed.
export async function destroyCluster(state: ClusterState, options: { log?: (line: string) => void; keepData?: boolean } = {}): Promise<string[]> {
  const log = options.log ?? (() => {});
  // Another process (a run on this standing cluster) may have recorded more since this copy
  // was read: restored instances, restarted processes. The file is the latest word.
  const onDisk = await loadState(state.dir);
  if (onDisk) {
    state.processes = { ...state.processes, ...onDisk.processes };
    state.restores = { ...state.restores, ...onDisk.restores };
  }
  state.phase = 'destroying';
  await saveState(state).catch(() => undefined);
  const problems: string[] = [];
  const plan = planAddresses(state.clusterId, state.slot, state.topology, state.mode ?? 'netns');
  // Processes first: SIGKILL, since their data is about to be removed anyway. One that is
  // gone already (killed by a fault, by hand, or a pid since recycled) is done.
  const records = Object.values(state.processes);
  const refused = await Promise.all(records.map((r) => signalProcess(r, 'SIGKILL').then(() => undefined, (error: Error) => `process ${r.role} (pid ${r.pid}): ${error.message}`)));
  problems.push(...refused.filter((p): p is string => p !== undefined));
  for (const r of records) {
    if (!(await waitGone(r, 5_000)) && (await isRunning(r))) problems.push(`process ${r.role} (pid ${r.pid}) survived SIGKILL`);
  }
  // Whatever else runs from the cluster's directory (PostgreSQL restarted by Patroni, a
  // process started after the last state write): found by its command line and killed.
  signalAll((await processesUnder(state.dir)).map((p) => p.pid), 'SIGKILL');
  if (plan.mode === 'netns') {
    // Restored instances hang off the router: their namespaces first, then the cluster's.
    for (const restore of Object.values(state.restores ?? {})) problems.push(...(await destroyRestoreNetwork(plan, planRestore(plan, restore.index))));
    problems.push(...(await destroyNetwork(plan)));
  }
  const survivors = await waitNoneUnder(state.dir);
  if (survivors.length) problems.push(`processes still running from ${state.dir}: ${survivors.join(', ')}`);
  if (!options.keepData && problems.length === 0) await removeClusterDir(state).catch((error: Error) => problems.push(`${state.dir}: ${error.message}`));
  log(problems.length === 0 ? `cluster ${state.clusterId}: removed` : `cluster ${state.clusterId}: removal incomplete: ${problems.join('; ')}`);
  return problems;
}

async function waitNoneUnder(dir: string): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const left = (await processesUnder(dir)).map((p) => p.pid);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
