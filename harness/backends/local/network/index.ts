import type { AddressPlan, NodePlan, RestorePlan } from '../address-plan.js';
import { signalAll } from '../../../common/proc.js';
import { run, tryRun } from '../exec.js';

// Builds the cluster's network: a router namespace with one bridge per zone, one namespace
// per node hanging off its zone's bridge, and a link from the root namespace to the router
// so HAProxy and the harness can reach every node. `step` reports progress.
export async function createNetwork(plan: AddressPlan, step: (what: string) => void = () => {}): Promise<void> {
  const ip = (...args: string[]) => run('ip', args);
  const r = plan.routerNetns;
  step(`router namespace ${r}`);
  await ip('netns', 'add', r);
  await ip('-n', r, 'link', 'set', 'lo', 'up');
  await run('ip', ['netns', 'exec', r, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  await ip('link', 'add', plan.hostLink, 'type', 'veth', 'peer', 'name', 'host0', 'netns', r);
  await ip('addr', 'add', `${plan.hostAddress}/30`, 'dev', plan.hostLink);
  await ip('link', 'set', plan.hostLink, 'up');
  await ip('-n', r, 'addr', 'add', `${plan.routerHostSide}/30`, 'dev', 'host0');
  await ip('-n', r, 'link', 'set', 'host0', 'up');
  for (const zone of plan.zones) {
    step(`zone ${zone.name}: bridge ${zone.bridge} ${zone.gateway}/24`);
    await ip('-n', r, 'link', 'add', zone.bridge, 'type', 'bridge');
    await ip('-n', r, 'addr', 'add', `${zone.gateway}/24`, 'dev', zone.bridge);
    await ip('-n', r, 'link', 'set', zone.bridge, 'up');
    await ip('route', 'add', zone.subnet, 'via', plan.routerHostSide, 'dev', plan.hostLink);
  }
  for (const node of plan.nodes) {
    step(`node ${node.name}: namespace ${node.netns} ${node.address}`);
    await createNodeNetwork(plan, node);
  }
}

// One node's namespace on its zone's bridge (also how a lost node is built again).
export async function createNodeNetwork(plan: AddressPlan, node: NodePlan): Promise<void> {
  const ip = (...args: string[]) => run('ip', args);
  const zone = plan.zones[node.zoneIndex]!;
  await ip('netns', 'add', node.netns);
  await ip('-n', node.netns, 'link', 'set', 'lo', 'up');
  await ip('-n', plan.routerNetns, 'link', 'add', node.routerPort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns);
  await ip('-n', plan.routerNetns, 'link', 'set', node.routerPort, 'master', zone.bridge);
  await ip('-n', plan.routerNetns, 'link', 'set', node.routerPort, 'up');
  await ip('-n', node.netns, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0');
  await ip('-n', node.netns, 'link', 'set', 'eth0', 'up');
  await ip('-n', node.netns, 'route', 'add', 'default', 'via', zone.gateway);
}

// A node's namespace gone with everything in it, and its link to the router. The link is
// removed first: a namespace is torn down asynchronously, and its veth's router end would
// linger for a moment after `ip netns del`, in the way of the node built again.
export async function destroyNodeNetwork(plan: AddressPlan, node: NodePlan): Promise<string[]> {
  const problems: string[] = [];
  const port = await tryRun('ip', ['-n', plan.routerNetns, 'link', 'del', node.routerPort]);
  if (port instanceof Error && !/Cannot find device|does not exist/i.test(port.message)) problems.push(`link ${node.routerPort}: ${port.shortMessage}`);
  problems.push(...(await removeNamespace(node.netns)));
  return problems;
}

// A restore target's namespace on its own link to the router, reachable from the root
// namespace (the harness) through the router like any node.
export async function createRestoreNetwork(plan: AddressPlan, restore: RestorePlan): Promise<void> {
  const ip = (...args: string[]) => run('ip', args);
  const prefix = restore.subnet.split('/')[1]!;
  await ip('netns', 'add', restore.netns);
  await ip('-n', restore.netns, 'link', 'set', 'lo', 'up');
  await ip('-n', plan.routerNetns, 'link', 'add', restore.routerPort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', restore.netns);
  await ip('-n', plan.routerNetns, 'addr', 'add', `${restore.routerAddress}/${prefix}`, 'dev', restore.routerPort);
  await ip('-n', plan.routerNetns, 'link', 'set', restore.routerPort, 'up');
  await ip('-n', restore.netns, 'addr', 'add', `${restore.address}/${prefix}`, 'dev', 'eth0');
  await ip('-n', restore.netns, 'link', 'set', 'eth0', 'up');
  await ip('-n', restore.netns, 'route', 'add', 'default', 'via', restore.routerAddress);
  await ip('route', 'replace', restore.subnet, 'via', plan.routerHostSide, 'dev', plan.hostLink);
}

// Removes a restore target's namespace (its processes first), link and route; returns problems.
export async function destroyRestoreNetwork(plan: AddressPlan, restore: RestorePlan): Promise<string[]> {
  const problems = await removeNamespace(restore.netns);
  // The router's end goes with the peer; the root namespace's route stays unless removed.
  const route = await tryRun('ip', ['route', 'show', restore.subnet]);
  if (!(route instanceof Error) && route.stdout.trim()) {
    const removed = await tryRun('ip', ['route', 'del', restore.subnet]);
    if (removed instanceof Error) problems.push(`route ${restore.subnet}: ${removed.shortMessage}`);
  }
  return problems;
}

// Every namespace of the cluster, the router last.
export function namespacesOf(plan: AddressPlan): string[] {
  return [...plan.nodes.map((n) => n.netns), plan.routerNetns];
}

// Removes the network whatever state it is in; returns what could not be removed.
export async function destroyNetwork(plan: AddressPlan): Promise<string[]> {
  const problems: string[] = [];
  const existing = await listNetns();
  for (const ns of namespacesOf(plan)) problems.push(...(await removeNamespace(ns, existing)));
  // The root-namespace end of the router link can outlive the router namespace. The kernel
  // tears a deleted namespace down in the background, taking the link with it, so the link
  // may vanish between the check and the delete: gone is removed.
  if (await linkExists(plan.hostLink)) {
    const result = await tryRun('ip', ['link', 'del', plan.hostLink]);
    if (result instanceof Error && (await linkExists(plan.hostLink))) problems.push(`link ${plan.hostLink}: ${result.shortMessage}`);
  }
  return problems;
}

// A namespace removed if it exists, its processes killed first (a namespace with live processes
// would otherwise linger as an orphan after `ip netns del`); what could not be done.
async function removeNamespace(ns: string, existing?: readonly string[]): Promise<string[]> {
  if (!(existing ?? (await listNetns())).includes(ns)) return [];
  await killNamespaceProcesses(ns);
  const result = await tryRun('ip', ['netns', 'del', ns]);
  return result instanceof Error ? [`namespace ${ns}: ${result.shortMessage}`] : [];
}

export async function killNamespaceProcesses(ns: string): Promise<number> {
  return signalAll(await namespacePids(ns), 'SIGKILL').length;
}

// Every process in a namespace (none when it does not exist).
export async function namespacePids(ns: string): Promise<number[]> {
  const result = await tryRun('ip', ['netns', 'pids', ns]);
  if (result instanceof Error) return [];
  return result.stdout.split(/\s+/).filter(Boolean).map(Number);
}

export async function listNetns(): Promise<string[]> {
  const result = await tryRun('ip', ['netns', 'list']);
  if (result instanceof Error) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter(Boolean);
}

export async function linkExists(name: string): Promise<boolean> {
  return !((await tryRun('ip', ['link', 'show', 'dev', name])) instanceof Error);
}
