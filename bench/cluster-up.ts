// Cold start of the embedded local cluster: time from nothing to healthy (one primary, every
// replica streaming, etcd healthy everywhere), the memory the cluster takes (PSS, summed
// over every process in its namespaces plus HAProxy), and teardown time.
// Usage: npx tsx bench/cluster-up.ts [runs=3] [--profile fast|default]
import { readFile, readdir } from 'node:fs/promises';
import { destroyCluster } from '../harness/backends/local/cluster/down.js';
import { createCluster } from '../harness/backends/local/cluster/up.js';
import { PATRONI_PROFILES } from '../harness/backends/local/config/patroni.js';
import { run } from '../harness/backends/local/exec.js';
import { namespacesOf } from '../harness/backends/local/network/index.js';
import { loadTopologyFile } from '../harness/backends/local/topology-file.js';
import { PACKAGE_ROOT } from '../harness/scenario/package-root.js';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const profile = args.includes('--profile') ? (args[args.indexOf('--profile') + 1] as 'fast' | 'default') : 'fast';

async function pssKiB(pid: number): Promise<number> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function clusterPids(namespaces: string[], extra: number[]): Promise<number[]> {
  const pids = new Set(extra);
  for (const ns of namespaces) {
    const { stdout } = await run('ip', ['netns', 'pids', ns]);
    for (const pid of stdout.split(/\s+/).filter(Boolean)) pids.add(Number(pid));
  }
  return [...pids];
}

const topologyFile = `${PACKAGE_ROOT}/fixtures/topologies/three-zones.yaml`;
const topology = await loadTopologyFile(topologyFile);
const results: { upMs: number; pssMiB: number; processes: number; downMs: number }[] = [];
for (let i = 1; i <= runs; i++) {
  const up = await createCluster({ topology, topologyFile, dcs: 'etcd', timing: PATRONI_PROFILES[profile], synchronous: false });
  // Let the cluster settle (checkpoints, replication start) before measuring memory.
  await new Promise((r) => setTimeout(r, 3_000));
  const pids = await clusterPids(namespacesOf(up.plan), [up.state.processes['haproxy']!.pid]);
  const pss = (await Promise.all(pids.map(pssKiB))).reduce((a, b) => a + b, 0);
  const t = performance.now();
  await destroyCluster(up.state);
  const downMs = performance.now() - t;
  results.push({ upMs: up.tookMs, pssMiB: pss / 1024, processes: pids.length, downMs });
  console.log(`run ${i}: cold start to healthy ${(up.tookMs / 1000).toFixed(2)} s, memory ${(pss / 1024).toFixed(0)} MiB PSS over ${pids.length} processes, teardown ${(downMs / 1000).toFixed(2)} s`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\ncluster-up (${runs} runs, Patroni ${profile} profile, ${topology.zones.length} zones × 1 node, ${(await readdir('/sys/devices/system/cpu')).filter((d) => /^cpu\d+$/.test(d)).length} CPUs)`);
console.log(`  cold start to healthy  median ${(median(results.map((r) => r.upMs)) / 1000).toFixed(2)} s   (min ${(Math.min(...results.map((r) => r.upMs)) / 1000).toFixed(2)}, max ${(Math.max(...results.map((r) => r.upMs)) / 1000).toFixed(2)})`);
console.log(`  memory (PSS)           median ${median(results.map((r) => r.pssMiB)).toFixed(0)} MiB`);
console.log(`  teardown               median ${(median(results.map((r) => r.downMs)) / 1000).toFixed(2)} s`);
console.log('  (hand-built baseline in shared/LOCAL-CLUSTER.md: 14-17 s cold start, about 237 MiB PSS idle, about 5 s teardown)');
