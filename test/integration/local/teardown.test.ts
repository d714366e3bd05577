import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planAddresses, planRestore, type AddressPlan } from '../../../harness/backends/local/address-plan.js';
import { LocalCluster } from '../../../harness/backends/local/cluster/handle.js';
import { processKey } from '../../../harness/backends/local/cluster/start.js';
import { run, tryRun } from '../../../harness/backends/local/exec.js';
import { createRestoreNetwork, destroyNetwork, listNetns } from '../../../harness/backends/local/network/index.js';
import { processesUnder } from '../../../harness/backends/local/processes/find.js';
import { signalProcess } from '../../../harness/backends/local/processes/index.js';
import { clustersDir, listClusters, loadState, saveState, type ClusterState } from '../../../harness/backends/local/state.js';
import { startTimeOf } from '../../../harness/common/proc.js';
import { REPO_ROOT, runCliInProcess, tempDir } from '../../helpers/cli.js';
import { localBackendUnavailable, privateHome } from '../../helpers/local-cluster.js';

// Issue 15: teardown is idempotent. `kdrill cluster down` and `kdrill cleanup` take whatever is
// already gone (removed by the kernel in the background, by hand, by a teardown cut short or
// running beside them) as removed, and leave nothing of the cluster behind.

const unavailable = await localBackendUnavailable();
const THREE_ZONES = path.join(REPO_ROOT, 'fixtures/topologies/three-zones.yaml');
const CYCLES = 20;
// The smallest cluster that still has one of every piece to remove: a router namespace with a
// zone bridge, a node namespace on it, both veth pairs and the root namespace's route; etcd,
// Patroni, PostgreSQL, HAProxy and the pgBackRest stanza. A cycle takes about 5 s where the
// three-zone cluster takes 10 to 12 s (its replicas clone the primary), which 20 times over
// would take 4 minutes of the suite's budget.
const ONE_NODE = `apiVersion: kdrill.dev/v1alpha1
kind: Topology
zones:
  - { name: a, nodes: 1 }
`;

// What the machine holds besides kdrill's clusters, taken before the first one.
interface Baseline {
  readonly rules: string;
  readonly nftTables: string;
  readonly loops: string;
}

async function baseline(): Promise<Baseline> {
  return { rules: (await run('ip', ['rule', 'list'])).stdout, nftTables: await nftTables(), loops: await loopDevices() };
}

async function nftTables(): Promise<string> {
  const result = await tryRun('nft', ['list', 'tables']);
  return result instanceof Error ? `(nft: ${result.shortMessage})` : result.stdout;
}

async function loopDevices(): Promise<string> {
  const result = await tryRun('losetup', ['--all', '--noheadings', '--output', 'NAME,BACK-FILE']);
  return result instanceof Error ? `(losetup: ${result.shortMessage})` : result.stdout;
}

// Everything of a local cluster that may outlive it, wherever it is on this machine: an empty
// list means nothing is left.
async function leftovers(home: string, base: Baseline): Promise<string[]> {
  const found: string[] = [];
  for (const ns of await listNetns()) if (ns.startsWith('kdrill-')) found.push(`namespace ${ns}`);
  for (const line of (await run('ip', ['-o', 'link'])).stdout.split('\n')) {
    const name = line.split(': ')[1]?.split('@')[0];
    if (name && /^kdr[0-9a-f]{4}$/.test(name)) found.push(`link ${name}`);
  }
  for (const line of (await run('ip', ['-4', 'route', 'show', 'table', 'all'])).stdout.split('\n')) if (line.includes('198.18.')) found.push(`route ${line.trim()}`);
  for (const line of (await run('ip', ['-4', 'addr', 'show'])).stdout.split('\n')) if (line.includes(' 198.18.')) found.push(`address ${line.trim()}`);
  if ((await run('ip', ['rule', 'list'])).stdout !== base.rules) found.push('policy-routing rules changed');
  if ((await nftTables()) !== base.nftTables) found.push(`nft tables changed: ${await nftTables()}`);
  if ((await loopDevices()) !== base.loops) found.push(`loop devices changed: ${await loopDevices()}`);
  for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) if (line.includes('/run/netns/kdrill-') || line.includes(home)) found.push(`mount ${line.split(' ')[4]}`);
  for (const p of await processesUnder(home)) found.push(`process ${p.comm} (pid ${p.pid})`);
  const clusters = clustersDir(home);
  if (existsSync(clusters)) for (const name of await readdir(clusters)) found.push(`directory ${path.join(clusters, name)}`);
  return found;
}

const ip = (...args: string[]) => run('ip', args);

// Kills every process the cluster recorded, as a crash or a person would.
async function killAll(state: ClusterState): Promise<void> {
  await Promise.all(Object.values(state.processes).map((r) => signalProcess(r, 'SIGKILL')));
}

// Pieces of a cluster removed behind kdrill's back before `down`, one way per cycle.
const BEHIND_ITS_BACK: Record<string, (state: ClusterState, plan: AddressPlan) => Promise<void>> = {
  // Down right after up: the links of namespaces deleted a moment before vanish in the background.
  nothing: async () => {},
  // The kernel then removes the router link's root end on its own, racing `ip link del`.
  'router namespace deleted': async (_state, plan) => {
    await ip('netns', 'del', plan.routerNetns);
  },
  'router link deleted': async (_state, plan) => {
    await ip('link', 'del', plan.hostLink);
  },
  // Its processes keep running in a namespace nobody can name any more.
  'node namespace deleted': async (_state, plan) => {
    await ip('netns', 'del', plan.nodes[0]!.netns);
  },
  'processes killed, a node directory removed': async (state, plan) => {
    await killAll(state);
    await rm(path.join(state.dir, 'nodes', plan.nodes[0]!.name), { recursive: true, force: true });
  },
  'everything but the files removed': async (state, plan) => {
    await killAll(state);
    await ip('link', 'del', plan.hostLink);
    for (const ns of [...plan.nodes.map((n) => n.netns), plan.routerNetns]) await ip('netns', 'del', ns);
  },
  // A restored instance's network on record, its namespace gone: its route and router port stay.
  'restore namespace deleted': async (state, plan) => {
    const restore = planRestore(plan, 1);
    state.restores = { [restore.name]: { name: restore.name, index: 1, createdAt: new Date().toISOString(), owner: { runId: 'teardown-test', pid: process.pid, startTime: await startTimeOf(process.pid) } } };
    await saveState(state);
    await createRestoreNetwork(plan, restore);
    await ip('netns', 'del', restore.netns);
  },
  // A partition healed twice; then one healed after the router (which held it) is gone, and
  // one left standing for `down`.
  'partition rules healed twice': async (state, plan) => {
    const cluster = new LocalCluster(state);
    const rule = { from: plan.zones[0]!.subnet, to: planRestore(plan, 1).subnet, priority: 31_000 };
    const back = { ...rule, from: rule.to, to: rule.from };
    await cluster.addPartitionRule(rule);
    await cluster.removePartitionRule(rule);
    await cluster.removePartitionRule(rule);
    expect((await ip('-n', plan.routerNetns, 'rule', 'show', 'priority', '31000')).stdout).toBe('');
    await cluster.addPartitionRule(rule);
    await cluster.addPartitionRule(back);
    await ip('netns', 'del', plan.routerNetns);
    await cluster.removePartitionRule(back);
  },
  // A `down` killed halfway: its processes and network gone, the state file says destroying.
  'a down cut short': async (state, plan) => {
    await killAll(state);
    state.phase = 'destroying';
    await saveState(state);
    expect(await destroyNetwork(plan)).toEqual([]);
  },
  // Checked by the cycle itself: two `down`s at once, each finding the other's work done.
  'two downs at once': async () => {},
};

describe.skipIf(unavailable)(`local cluster teardown${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it(`${CYCLES} consecutive \`kdrill cluster up\` / \`down\` cycles leave nothing behind and never fail on something already removed`, { timeout: CYCLES * 30_000 }, async ({ annotate }) => {
    await using home = await privateHome();
    await using files = await tempDir('kdrill-topology-');
    const topology = await files.write('one-node.yaml', ONE_NODE);
    const base = await baseline();
    expect(await leftovers(home.path, base)).toEqual([]);
    const ways = Object.keys(BEHIND_ITS_BACK);
    const timings: string[] = [];
    const loopStarted = performance.now();
    const ids = new Set<string>();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const way = ways[cycle % ways.length]!;
      const started = performance.now();
      const up = await runCliInProcess(['cluster', 'up', '--profile', 'fast', '--topology', topology]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toMatch(/^cluster [0-9a-f]{4} is up in/);
      const upMs = performance.now() - started;
      const [state] = await listClusters();
      ids.add(state!.clusterId);
      const plan = planAddresses(state!.clusterId, state!.slot, state!.topology, 'netns');

      await BEHIND_ITS_BACK[way]!(state!, plan);
      const downStarted = performance.now();
      const downs = await Promise.all((way === 'two downs at once' ? [1, 2] : [1]).map(() => runCliInProcess(['cluster', 'down'])));
      const downMs = performance.now() - downStarted;
      for (const down of downs) expect(down.code, `cycle ${cycle + 1} (${way}): ${down.stdout}\n${down.stderr}`).toBe(0);
      expect(downs.map((d) => d.stdout).join('\n')).toContain(`cluster ${state!.clusterId} removed`);
      expect(await leftovers(home.path, base), `cycle ${cycle + 1} (${way})`).toEqual([]);
      timings.push(`cycle ${String(cycle + 1).padStart(2)} up ${(upMs / 1000).toFixed(1)} s, down ${(downMs / 1000).toFixed(2)} s (${way})`);
    }
    expect(ids.size).toBe(CYCLES);
    // Nothing to remove is nothing to do.
    expect(await runCliInProcess(['cluster', 'down'])).toMatchObject({ code: 0, stdout: 'no local cluster to remove' });
    // The time per cycle, in the test report (and on the terminal with --reporter=verbose).
    await annotate(`${CYCLES} cycles in ${((performance.now() - loopStarted) / 1000).toFixed(1)} s\n${timings.join('\n')}`);
  });

  it('`kdrill cleanup` removes what dead runs left, partly removed by hand, and then has nothing to do', { timeout: 180_000 }, async () => {
    await using home = await privateHome();
    await using reports = await tempDir('kdrill-reports-');
    const base = await baseline();
    const cleanup = () => runCliInProcess(['cleanup', '--reports', reports.path]);
    const nothing = { code: 0, stdout: 'nothing to clean up: no run left a fault armed or a cluster behind' };
    expect(await cleanup()).toMatchObject(nothing);
    expect(await cleanup()).toMatchObject(nothing);

    // Left by a run that was killed (its process is gone), then picked at by hand; and left by
    // a `cluster down` killed halfway (processes and part of the network gone, phase destroying).
    const deadPid = spawnSync('true').pid!;
    const leftBehind: Record<string, (state: ClusterState, plan: AddressPlan) => Promise<void>> = {
      'a killed run': async (state, plan) => {
        state.owner = { runId: 'killed-run', pid: deadPid, startTime: 1, keep: false };
        await saveState(state);
        await ip('netns', 'del', plan.routerNetns);
        await signalProcess(state.processes[processKey.haproxy]!, 'SIGKILL');
        await signalProcess(state.processes[processKey.etcd(plan.nodes[0]!.name)]!, 'SIGKILL');
        await rm(path.join(state.dir, 'nodes', plan.nodes[1]!.name), { recursive: true, force: true });
      },
      'a down killed halfway': async (state, plan) => {
        await killAll(state);
        state.phase = 'destroying';
        await saveState(state);
        await ip('link', 'del', plan.hostLink);
        await ip('netns', 'del', plan.nodes[2]!.netns);
      },
    };
    for (const [what, harm] of Object.entries(leftBehind)) {
      const up = await runCliInProcess(['cluster', 'up', '--profile', 'fast', '--topology', THREE_ZONES]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const state = (await listClusters())[0]!;
      await harm(state, planAddresses(state.clusterId, state.slot, state.topology, 'netns'));
      expect((await loadState(state.dir))?.clusterId).toBe(state.clusterId);
      const first = await cleanup();
      expect(first.code, `${what}: ${first.stdout}\n${first.stderr}`).toBe(0);
      expect(first.stdout).toContain(`removed cluster ${state.clusterId}, left by a run that is gone`);
      expect(await leftovers(home.path, base), what).toEqual([]);
      expect(await cleanup()).toMatchObject(nothing);
    }
  });
});
