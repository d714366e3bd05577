import type { AddressPlan, NodePlan, RestorePlan } from '../address-plan.js';
import type { KdrillError } from '../../../common/errors.js';
import { signalAll } from '../../../common/proc.js';
import { ABSENT, removeIgnoringAbsent, run, tryRun } from '../exec.js';

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
  return [...(await removeRouterPort(plan, node.routerPort)), ...(await removeNamespace(node.netns))];
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
// The router's end of its link goes first, as a node's does (destroyNodeNetwork).
export async function destroyRestoreNetwork(plan: AddressPlan, restore: RestorePlan): Promise<string[]> {
  const problems = [...(await removeRouterPort(plan, restore.routerPort)), ...(await removeNamespace(restore.netns))];
  // The root namespace's route stays unless removed (or its device, the router link, is gone).
  const route = await tryRun('ip', ['route', 'show', restore.subnet]);
  if (route instanceof Error || route.stdout.trim()) problems.push(...(await removing(`route ${restore.subnet}`, ['route', 'del', restore.subnet], ABSENT.route)));
  return problems;
}

// Every namespace of the cluster, the router last.
export function namespacesOf(plan: AddressPlan): string[] {
  return [...plan.nodes.map((n) => n.netns), plan.routerNetns];
}

// Removes the network whatever state it is in (half built, half removed, pieces deleted by
// hand); returns what could not be removed. Every removal takes "already gone" as done.
export async function destroyNetwork(plan: AddressPlan): Promise<string[]> {
  const problems: string[] = [];
  // The root-namespace end of the router link first: deleting a veth is synchronous and takes
  // its peer (host0) and the routes through it, whereas a deleted namespace takes its links
  // down in the background, so the link would linger after `ip netns del` of the router.
  if (await linkExists(plan.hostLink)) problems.push(...(await removing(`link ${plan.hostLink}`, ['link', 'del', plan.hostLink], ABSENT.link)));
  for (const ns of namespacesOf(plan)) problems.push(...(await removeNamespace(ns)));
  // Removed by us or, when the router namespace was deleted before (by hand, a teardown cut
  // short), by the kernel in the background: either way it must be gone now, or soon.
  if (problems.length === 0 && !(await linkGone(plan.hostLink, 5_000))) problems.push(`link ${plan.hostLink}: still present 5 s after its removal`);
  return problems;
}

// A link of the router namespace removed, if either still exists.
async function removeRouterPort(plan: AddressPlan, port: string): Promise<string[]> {
  return removing(`link ${port}`, ['-n', plan.routerNetns, 'link', 'del', port], [...ABSENT.link, ...ABSENT.enclosingNamespace]);
}

// A namespace removed if it exists, its processes killed first (a namespace with live processes
// would otherwise linger as an orphan after `ip netns del`); what could not be done.
async function removeNamespace(ns: string): Promise<string[]> {
  // A listing that failed proves nothing: the removal itself then says whether it was there.
  const listed = await listNetns().catch(() => undefined);
  if (listed && !listed.includes(ns)) return [];
  await killNamespaceProcesses(ns);
  // Deleted since the listing (a concurrent teardown) is removed too.
  return removing(`namespace ${ns}`, ['netns', 'del', ns], ABSENT.namespace);
}

// One `ip` removal; a problem unless it removed the object or the object was already gone.
async function removing(what: string, args: readonly string[], absent: readonly RegExp[]): Promise<string[]> {
  try {
    await removeIgnoringAbsent('ip', args, absent);
    return [];
  } catch (error) {
    return [`${what}: ${(error as KdrillError).shortMessage ?? (error as Error).message}`];
  }
}

// Whether the link is gone, waiting up to `ms` for the kernel to finish removing it.
async function linkGone(name: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!(await linkExists(name))) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
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

// The network namespaces `ip netns` knows (/run/netns).
// @throws CommandFailed when they cannot be listed: teardown must not take that for "none".
export async function listNetns(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter(Boolean);
}

export async function linkExists(name: string): Promise<boolean> {
  return !((await tryRun('ip', ['link', 'show', 'dev', name])) instanceof Error);
}
