import { apiRequest, expectStatus, type ApiAccess } from './request.js';

// The kubelets of a cluster that has none: a real API server and controller-manager run, but
// no node does. This stand-in registers each Node as its kubelet would (labels, InternalIP,
// Ready), renews its Lease in kube-node-lease every second (the heartbeat the real node-
// lifecycle controller watches), plays the scheduler by binding pods to the node a test
// names, and writes the pod status a kubelet would (Running, Ready, podIP). Silencing a node
// stops its heartbeat, as a dead kubelet's: what follows (Ready Unknown, the unreachable
// taint, pods marked not Ready, eviction) is the real controller's doing, not this file's.
export interface StandInNode {
  readonly name: string;
  readonly zone?: string;
  readonly address: string;
  readonly controlPlane?: boolean;
}

const LEASE_SECONDS = 40;
const HEARTBEAT_MS = 1_000;

// Kubernetes' MicroTime: RFC 3339 with microseconds.
const microTime = (date = new Date()): string => date.toISOString().replace('Z', '000Z');
const time = (date = new Date()): string => `${date.toISOString().slice(0, 19)}Z`;

export class KubeletStandIn {
  private readonly silenced = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private nextIp = 10;

  constructor(
    private readonly access: ApiAccess,
    readonly nodes: readonly StandInNode[],
  ) {}

  private request(method: string, pathname: string, body?: unknown, contentType?: string) {
    return apiRequest(this.access, method, pathname, body, contentType);
  }

  // Registers every node Ready and starts the heartbeats.
  async start(): Promise<void> {
    for (const node of this.nodes) await this.register(node);
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.beat()).catch(() => undefined);
    }, HEARTBEAT_MS);
  }

  async register(node: StandInNode): Promise<void> {
    const labels: Record<string, string> = { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux' };
    if (node.zone) labels['topology.kubernetes.io/zone'] = node.zone;
    if (node.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
    const created = await this.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node.name, labels }, spec: {} });
    if (created.status !== 201 && created.status !== 409) throw new Error(`register node ${node.name}: HTTP ${created.status} ${created.body}`);
    await this.reportReady(node);
    await this.renewLease(node.name);
  }

  private async reportReady(node: StandInNode): Promise<void> {
    const now = time();
    const condition = (type: string, status: string, reason: string) => ({ type, status, reason, message: `stand-in kubelet: ${reason}`, lastHeartbeatTime: now, lastTransitionTime: now });
    await expectStatus(
      `status of node ${node.name}`,
      this.request(
        'PATCH',
        `/api/v1/nodes/${node.name}/status`,
        {
          status: {
            conditions: [condition('Ready', 'True', 'KubeletReady'), condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'), condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'), condition('PIDPressure', 'False', 'KubeletHasSufficientPID')],
            addresses: [
              { type: 'InternalIP', address: node.address },
              { type: 'Hostname', address: node.name },
            ],
            capacity: { cpu: '4', memory: '8Gi', pods: '110' },
            allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
            nodeInfo: { kubeletVersion: 'v0.0.0-kdrill-stand-in', architecture: 'amd64', operatingSystem: 'linux', containerRuntimeVersion: 'none://0', kernelVersion: '', osImage: '', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '' },
          },
        },
        'application/strategic-merge-patch+json',
      ),
    );
  }

  private async renewLease(name: string): Promise<void> {
    const leasePath = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
    const spec = { holderIdentity: name, leaseDurationSeconds: LEASE_SECONDS, renewTime: microTime() };
    const current = await this.request('GET', leasePath);
    if (current.status === 404) {
      await expectStatus(`lease of ${name}`, this.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec }));
      return;
    }
    const lease = current.json<{ metadata: Record<string, unknown> }>();
    await expectStatus(`lease of ${name}`, this.request('PUT', leasePath, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: lease.metadata, spec }), [200, 409]);
  }

  private async beat(): Promise<void> {
    for (const node of this.nodes) if (!this.silenced.has(node.name)) await this.renewLease(node.name).catch(() => undefined);
  }

  // The node's kubelet dies: no more heartbeats.
  silence(name: string): void {
    this.silenced.add(name);
  }

  // It comes back: Ready again, heartbeats again (registering again if its Node was deleted).
  async resume(name: string): Promise<void> {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no stand-in node ${name}`);
    this.silenced.delete(name);
    await this.register(node);
  }

  // Binds a pending pod to `node` and reports it Running and Ready, as the scheduler and the
  // node's kubelet would. `labels` are what the pod's own processes would add (Patroni's role).
  async runPod(namespace: string, pod: string, node: string, options: { labels?: Record<string, string>; ready?: boolean } = {}): Promise<string> {
    const podPath = `/api/v1/namespaces/${namespace}/pods/${pod}`;
    const current = (await expectStatus(`get pod ${pod}`, this.request('GET', podPath))).json<{ spec: { nodeName?: string } }>();
    if (!current.spec.nodeName) {
      await expectStatus(
        `bind pod ${pod} to ${node}`,
        this.request('POST', `${podPath}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node } }),
      );
    }
    const ip = `198.18.200.${this.nextIp++}`;
    const now = time();
    const ready = options.ready ?? true;
    const conditions = [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      { type: 'Initialized', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
    ];
    await expectStatus(
      `status of pod ${pod}`,
      this.request('PATCH', `${podPath}/status`, { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: this.nodes.find((n) => n.name === node)?.address, startTime: now, conditions } }, 'application/strategic-merge-patch+json'),
    );
    if (options.labels) await expectStatus(`labels of pod ${pod}`, this.request('PATCH', podPath, { metadata: { labels: options.labels } }, 'application/merge-patch+json'));
    return ip;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
  }
}
