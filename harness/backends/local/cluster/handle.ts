import { rm } from 'node:fs/promises';
import { isRunning, readComm, readStat, signalAll } from '../../../common/proc.js';
import path from 'node:path';
import { writeOnce, type DbTarget } from '../../../db/target.js';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { planAddresses, type AddressPlan, type NodePlan } from '../address-plan.js';
import { etcdName } from '../config/etcd.js';
import { etcdctl } from '../etcd/etcdctl.js';
import { ABSENT, removeIgnoringAbsent, run } from '../exec.js';
import { processesUnder } from '../processes/find.js';
import { destroyNodeNetwork, namespacePids } from '../network/index.js';
import { signalProcess, waitGone } from '../processes/index.js';
import { saveState, type ClusterState } from '../state.js';
import { observeCluster, type ClusterView } from './observe.js';
import { etcdDataDir, nodeDir, pgDir, processKey, startEtcd, startPatroni } from './start.js';

// One running local cluster and the operations faults and checks perform on it. Every
// operation is idempotent, so a revert can be repeated after a crash without harm.
export class LocalCluster {
  readonly plan: AddressPlan;

  constructor(readonly state: ClusterState) {
    this.plan = planAddresses(state.clusterId, state.slot, state.topology, state.mode ?? 'netns');
  }

  node(name: string): NodePlan {
    const node = this.plan.nodes.find((n) => n.name === name);
    if (!node) throw new KdrillError(ErrorCode.INTERNAL, `cluster ${this.state.clusterId} has no node ${name} (nodes: ${this.plan.nodes.map((n) => n.name).join(', ')})`);
    return node;
  }

  nodesOfZone(zone: string): NodePlan[] {
    return this.plan.nodes.filter((n) => n.zone === zone);
  }

  observe(): Promise<ClusterView> {
    return observeCluster(this.plan, this.state.credentials.superuser);
  }

  // ── processes ────────────────────────────────────────────────────────────────────────────

  // SIGKILL of every process in the node's namespace: etcd, Patroni and all of PostgreSQL.
  async crashNode(name: string): Promise<void> {
    signalAll(await this.nodePids(name), 'SIGKILL');
    await this.waitProcessesGone(name);
  }

  // Starts what a crash stopped: etcd and Patroni (which starts PostgreSQL and recovers it).
  async startNode(name: string): Promise<void> {
    await this.startEtcdOf(name);
    const key = processKey.patroni(name);
    const record = this.state.processes[key];
    if (!record || !(await isRunning(record))) {
      this.state.processes[key] = await startPatroni(this.state, this.plan, this.node(name));
      await saveState(this.state);
    }
  }

  async freezeNode(name: string): Promise<void> {
    await this.signalNamespace(name, 'SIGSTOP');
  }

  async thawNode(name: string): Promise<void> {
    await this.signalNamespace(name, 'SIGCONT');
  }

  async killEtcdOf(name: string): Promise<void> {
    const record = this.state.processes[processKey.etcd(name)];
    if (record && (await signalProcess(record, 'SIGKILL'))) await waitGone(record, 5_000);
  }

  async startEtcdOf(name: string, memberState: 'new' | 'existing' = 'new', members?: readonly NodePlan[]): Promise<void> {
    const key = processKey.etcd(name);
    const record = this.state.processes[key];
    if (record && (await isRunning(record))) return;
    this.state.processes[key] = await startEtcd(this.state, this.plan, this.node(name), memberState, members);
    await saveState(this.state);
  }

  // SIGKILL of the postmaster and its children only; Patroni notices and restarts PostgreSQL.
  async killPostgresOf(name: string, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<number[]> {
    const postgres: number[] = [];
    for (const pid of await this.nodePids(name)) if ((await readComm(pid)) === 'postgres') postgres.push(pid);
    return signalAll(postgres, signal);
  }

  // The etcd member loses its data: killed, data directory removed.
  async destroyEtcdData(name: string): Promise<void> {
    await this.killEtcdOf(name);
    await rm(etcdDataDir(this.state, name), { recursive: true, force: true });
  }

  // Rejoins an etcd member whose data was lost: removed from the membership, added back as a
  // new member, started empty with --initial-cluster-state existing. Idempotent.
  async rejoinEtcdMember(name: string): Promise<void> {
    const node = this.node(name);
    const record = this.state.processes[processKey.etcd(name)];
    if (record && (await isRunning(record))) return;
    const others = this.plan.nodes.filter((n) => n.name !== name).map((n) => `http://${n.address}:2379`).join(',');
    const onOthers = (...args: string[]) => etcdctl(['--endpoints', others, '--command-timeout=5s', ...args], 30_000);
    // The plain listing keeps the 64-bit member IDs exact (JSON numbers would round them).
    const lines = (await retryWhileEtcdSettles(() => onOthers('member', 'list')))!.stdout.split('\n').filter(Boolean);
    const peer = `http://${node.address}:2380`;
    for (const line of lines) {
      const [id, , memberName, peers] = line.split(',').map((f) => f.trim());
      if (!id || !(memberName === etcdName(node) || peers?.split(' ').includes(peer))) continue;
      // A remove that timed out may still have been applied: "not found" on a retry is success.
      await retryWhileEtcdSettles(() => onOthers('member', 'remove', id), /member not found/i);
    }
    await retryWhileEtcdSettles(() => onOthers('member', 'add', etcdName(node), `--peer-urls=${peer}`));
    await rm(etcdDataDir(this.state, name), { recursive: true, force: true });
    await this.startEtcdOf(name, 'existing');
  }

  // The node is gone with its disks: every process killed, its etcd and PostgreSQL data
  // removed (with its Patroni configuration), and in netns mode its namespace deleted with its
  // link. The node's logs stay, as evidence.
  async destroyNode(name: string): Promise<string[]> {
    await this.crashNode(name);
    const problems = this.plan.mode === 'netns' ? await destroyNodeNetwork(this.plan, this.node(name)) : [];
    await rm(etcdDataDir(this.state, name), { recursive: true, force: true });
    await rm(pgDir(this.state, name), { recursive: true, force: true });
    return problems;
  }

  // ── network ──────────────────────────────────────────────────────────────────────────────

  // The cable is pulled at the switch: the router-side end of the node's link goes down, so
  // the node itself keeps its addresses and routes (it only loses carrier), as a machine
  // whose network is cut would. Its own etcd member stays reachable to its own Patroni.
  async linkDown(name: string): Promise<void> {
    this.requireNetns('node-isolation');
    await run('ip', ['-n', this.plan.routerNetns, 'link', 'set', this.node(name).routerPort, 'down']);
  }

  async linkUp(name: string): Promise<void> {
    if (this.plan.mode !== 'netns') return;
    await run('ip', ['-n', this.plan.routerNetns, 'link', 'set', this.node(name).routerPort, 'up']);
  }

  // Silently drops traffic between two zones in the router (a blackhole rule each way).
  async addPartitionRule(rule: PartitionRule): Promise<void> {
    this.requireNetns('a zone partition');
    const existing = await run('ip', ['-n', this.plan.routerNetns, 'rule', 'show', 'priority', String(rule.priority)]);
    if (existing.stdout.includes(`from ${rule.from} to ${rule.to}`)) return;
    await run('ip', ['-n', this.plan.routerNetns, 'rule', 'add', 'from', rule.from, 'to', rule.to, 'blackhole', 'priority', String(rule.priority)]);
  }

  // Every copy of the rule removed (a harm repeated after a crash may have added it twice).
  // Done once `ip` says there is no such rule, or no router namespace to hold one (the cluster
  // is being removed); any other failure is thrown, since the partition may still stand.
  async removePartitionRule(rule: PartitionRule): Promise<void> {
    if (this.plan.mode !== 'netns') return;
    const args = ['-n', this.plan.routerNetns, 'rule', 'del', 'from', rule.from, 'to', rule.to, 'blackhole', 'priority', String(rule.priority)];
    for (let copies = 0; copies < 100; copies++) {
      if ((await removeIgnoringAbsent('ip', args, [...ABSENT.rule, ...ABSENT.enclosingNamespace])) === 'absent') return;
    }
    throw new KdrillError(ErrorCode.REVERT_FAILED, `the partition rule from ${rule.from} to ${rule.to} (priority ${rule.priority}) in ${this.plan.routerNetns} was still there after 100 removals`);
  }

  // ── PostgreSQL ───────────────────────────────────────────────────────────────────────────

  // The read-write Service (HAProxy) as the superuser, in `database`.
  serviceTarget(database = 'postgres'): DbTarget {
    return { host: '127.0.0.1', port: this.plan.ports.readWrite, user: 'postgres', password: this.state.credentials.superuser, database };
  }

  // One write through the read-write Service.
  writeThroughService(timeoutMs = 2_000): ReturnType<typeof writeOnce> {
    return writeOnce(this.serviceTarget(), timeoutMs);
  }

  patroniConfigOf(name: string): string {
    return path.join(pgDir(this.state, name), 'patroni.yml');
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────

  // Every process of the node: its namespace's in netns mode, else everything started from
  // its directory (etcd, Patroni, the postmaster) and their descendants.
  private async nodePids(name: string): Promise<number[]> {
    if (this.plan.mode === 'loopback') return (await processesUnder(nodeDir(this.state, name))).map((p) => p.pid);
    return namespacePids(this.node(name).netns);
  }

  private requireNetns(what: string): void {
    if (this.plan.mode !== 'netns') {
      throw new KdrillError(ErrorCode.UNSUPPORTED_FAULT, `${what} needs network namespaces; cluster ${this.state.clusterId} runs in loopback mode (every node shares the root network namespace)`);
    }
  }

  private async signalNamespace(name: string, signal: NodeJS.Signals): Promise<void> {
    signalAll(await this.nodePids(name), signal);
  }

  private async waitProcessesGone(name: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const alive = [];
      for (const pid of await this.nodePids(name)) if ((await readStat(pid))?.state !== 'Z') alive.push(pid);
      if (alive.length === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export interface PartitionRule {
  readonly from: string;
  readonly to: string;
  readonly priority: number;
}

// Membership requests fail while etcd settles after losing a member: it refuses them until every
// member has been connected for a few seconds ("unhealthy cluster"), and a request can time out
// while a new leader is being elected. Both pass within seconds, so retry for up to 20 s.
const SETTLING_ERRORS = /unhealthy cluster|context deadline exceeded|leader changed|no leader|timed out/i;

async function retryWhileEtcdSettles<T>(request: () => Promise<T>, alreadyDone?: RegExp): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const message = String((error as Error).message);
      if (alreadyDone?.test(message)) return undefined;
      if (attempt >= 40 || !SETTLING_ERRORS.test(message)) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
