import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, type KubeClientOptions } from '../../../harness/backends/kubernetes/client/kube-client.js';
import { freePort } from '../free-port.js';
import { findKubeBinaries, type KubeBinaries } from './binaries.js';
import { makePki, type Pki } from './pki.js';
import { ServerProcess } from './processes.js';
import { apiRequest, type ApiAnswer } from './request.js';

// A real etcd + kube-apiserver (+ kube-controller-manager) on 127.0.0.1 for one test file:
// TLS with its own CA, a bearer token and a client certificate in system:masters, RBAC, the
// default admission plugins, a service range inside 198.18.0.0/15. Nothing listens anywhere
// but loopback; `stop()` (or the worker's exit) ends every process and removes the folder.
export const SERVICE_RANGE = '198.19.240.0/24';
// The `kubernetes` Service's ClusterIP: the first address of the range.
export const KUBERNETES_SERVICE_IP = '198.19.240.1';

export interface ControllerManagerOptions {
  // How long a node may miss heartbeats before its Ready condition turns Unknown (40 s in
  // Kubernetes; the tests shorten it).
  readonly nodeMonitorGracePeriodSeconds?: number;
}

export type KubeContext = 'token' | 'certificate' | 'unprivileged';

export interface RealKubeOptions {
  // Also run kube-controller-manager (its node-lifecycle, StatefulSet, garbage-collector,
  // service-account and token controllers, …). Needs one in the binaries.
  readonly controllerManager?: boolean | ControllerManagerOptions;
}

const found = findKubeBinaries();
// Why the tier cannot run here, or undefined.
export const realKubeUnavailable: string | undefined = found.unavailable;
// Why the tests needing real controllers cannot run here, or undefined.
export const controllerManagerUnavailable: string | undefined =
  found.unavailable ?? (found.binaries.controllerManager ? undefined : `${found.binaries.source} holds no kube-controller-manager`);
export const realKubeBinaries: KubeBinaries | undefined = found.binaries;

export class RealKube {
  readonly kubeconfigFile: string;
  private readonly etcd: ServerProcess;
  private readonly apiServer: ServerProcess;
  private readonly controllerManager: ServerProcess | undefined;

  private constructor(
    readonly binaries: KubeBinaries,
    readonly dir: string,
    readonly pki: Pki,
    readonly url: string,
    ports: { etcdClient: number; etcdPeer: number; api: number },
    options: RealKubeOptions,
  ) {
    const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
    const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
    this.etcd = new ServerProcess(
      'etcd',
      binaries.etcd,
      [
        '--name=kdrill-test',
        `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=kdrill-test=${peerUrl}`,
        '--unsafe-no-fsync',
        '--quota-backend-bytes=1073741824',
      ],
      path.join(dir, 'etcd.log'),
    );
    const legacyInsecurePort = binaries.minor < 24 ? ['--insecure-port=0'] : [];
    this.apiServer = new ServerProcess(
      'kube-apiserver',
      binaries.apiServer,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${ports.api}`,
        ...legacyInsecurePort,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--token-auth-file=${pki.tokenFile}`,
        '--authorization-mode=RBAC',
        '--allow-privileged=true',
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--api-audiences=https://kubernetes.default.svc.cluster.local',
        `--service-cluster-ip-range=${SERVICE_RANGE}`,
        // Endpoints may not hold loopback addresses, where this server listens.
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
      ],
      path.join(dir, 'kube-apiserver.log'),
    );
    this.kubeconfigFile = path.join(dir, 'kubeconfig');
    writeFileSync(this.kubeconfigFile, kubeconfigText(url, pki), { mode: 0o600 });
    const kcm = options.controllerManager;
    if (kcm) {
      if (!binaries.controllerManager) throw new Error(`${binaries.source} holds no kube-controller-manager`);
      const grace = typeof kcm === 'object' ? kcm.nodeMonitorGracePeriodSeconds : undefined;
      const legacyPort = binaries.minor < 24 ? ['--port=0'] : [];
      this.controllerManager = new ServerProcess(
        'kube-controller-manager',
        binaries.controllerManager,
        [
          `--kubeconfig=${this.kubeconfigFile}`,
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          ...legacyPort,
          '--leader-elect=false',
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          `--root-ca-file=${pki.caCert}`,
          `--cluster-signing-cert-file=${pki.caCert}`,
          `--cluster-signing-key-file=${pki.caKey}`,
          '--profiling=false',
          '--node-monitor-period=1s',
          ...(grace ? [`--node-monitor-grace-period=${grace}s`] : []),
        ],
        path.join(dir, 'kube-controller-manager.log'),
      );
    }
  }

  /** @throws Error naming the process and the end of its log when one does not come up. */
  static async start(options: RealKubeOptions = {}): Promise<RealKube> {
    if (!found.binaries) throw new Error(found.unavailable);
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-real-kube-'));
    try {
      const pki = makePki(dir, KUBERNETES_SERVICE_IP);
      const ports = { etcdClient: await freePort(), etcdPeer: await freePort(), api: await freePort() };
      const kube = new RealKube(found.binaries, dir, pki, `https://127.0.0.1:${ports.api}`, ports, options);
      await kube.startAll();
      return kube;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private async startAll(): Promise<void> {
    try {
      this.etcd.start();
      await this.waitFor(this.etcd, 30_000, async () => (await fetch(`${this.etcdUrl()}/health`)).ok);
      await this.startApiServer();
      if (this.controllerManager) {
        this.controllerManager.start();
        // The token controller makes the default ServiceAccount's token: pods need it.
        await this.waitFor(this.controllerManager, 60_000, async () => (await this.get('/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private etcdUrl(): string {
    return (this.etcd.args.find((a) => a.startsWith('--listen-client-urls=')) ?? '').split('=')[1]!;
  }

  // Starts the API server (again) and waits for /readyz.
  async startApiServer(): Promise<void> {
    this.apiServer.start();
    await this.waitFor(this.apiServer, 120_000, async () => (await this.get('/readyz')).status === 200);
  }

  // Stops the API server: its clients see connections refused until it is started again.
  async stopApiServer(): Promise<void> {
    await this.apiServer.stop();
  }

  get caCert(): Buffer {
    return readFileSync(this.pki.caCert);
  }

  // A request with the admin token, its status and body; status 0 when nothing answered.
  request(method: string, pathname: string, body?: unknown, contentType?: string): Promise<ApiAnswer> {
    return apiRequest({ url: this.url, ca: this.caCert, token: this.pki.token }, method, pathname, body, contentType);
  }

  get(pathname: string): Promise<ApiAnswer> {
    return this.request('GET', pathname);
  }

  // token and certificate: the admin (system:masters); unprivileged: a user RBAC grants nothing.
  kubeConfig(context: KubeContext = 'token'): KubeConfig {
    const config = new KubeConfig();
    config.loadFromFile(this.kubeconfigFile);
    config.setCurrentContext({ token: 'real-kube', certificate: 'real-kube-cert', unprivileged: 'real-kube-nobody' }[context]);
    return config;
  }

  // Compacts etcd's history up to now, as the API server does every five minutes: a watch from
  // an older version gets 410 Gone. Returns the revision compacted to.
  async compactEtcd(): Promise<number> {
    const post = async (pathname: string, body: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${this.etcdUrl()}${pathname}`, { method: 'POST', body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`etcd ${pathname}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const range = await post('/v3/kv/range', { key: Buffer.from('/').toString('base64'), limit: 1 });
    const revision = Number((range.header as { revision: string }).revision);
    await post('/v3/kv/compaction', { revision: String(revision), physical: true });
    return revision;
  }

  client(options: KubeClientOptions = {}, context: KubeContext = 'token'): KubeClient {
    return new KubeClient(this.kubeConfig(context), options);
  }

  // The end of a process's log, for a failing test's message.
  logTail(name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager', lines = 20): string {
    const p = name === 'etcd' ? this.etcd : name === 'kube-apiserver' ? this.apiServer : this.controllerManager;
    return p ? p.tail(lines) : '';
  }

  private async waitFor(process: ServerProcess, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!process.alive) throw new Error(`${process.name} exited (${process.exitCode}) while starting:\n${process.tail()}`);
      if (await ready().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${process.name} was not ready after ${timeoutMs / 1000} s:\n${process.tail()}`);
      await sleep(200);
    }
  }

  // Stops everything, newest first, and removes the folder. Stopping what has stopped is fine.
  async stop(): Promise<void> {
    await this.controllerManager?.stop();
    await this.apiServer.stop();
    await this.etcd.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

function kubeconfigText(url: string, pki: Pki): string {
  const b64 = (file: string): string => readFileSync(file).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: real-kube
  cluster:
    server: ${url}
    certificate-authority-data: ${b64(pki.caCert)}
users:
- name: admin-token
  user:
    token: ${pki.token}
- name: nobody-token
  user:
    token: ${pki.unprivilegedToken}
- name: admin-cert
  user:
    client-certificate-data: ${b64(pki.clientCert)}
    client-key-data: ${b64(pki.clientKey)}
contexts:
- name: real-kube
  context: {cluster: real-kube, user: admin-token, namespace: default}
- name: real-kube-cert
  context: {cluster: real-kube, user: admin-cert, namespace: default}
- name: real-kube-nobody
  context: {cluster: real-kube, user: nobody-token, namespace: default}
current-context: real-kube
`;
}
