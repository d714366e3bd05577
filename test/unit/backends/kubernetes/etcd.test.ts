import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../harness/backends/kubernetes/client/kube-client.js';
import { connectKubernetes } from '../../../../harness/backends/kubernetes/connected.js';
import { DISCARD_BEFORE, DISCARD_RESTORED, START_CONTROL_PLANE, STOP_CONTROL_PLANE, SWAP_SCRIPT } from '../../../../harness/backends/kubernetes/etcd/restore.js';
import { READ_ETCD_MANIFEST } from '../../../../harness/backends/kubernetes/etcd/static-pods.js';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import type { KindNodeOps } from '../../../../harness/backends/kubernetes/nodes/kind-nodes.js';
import type { ConnectedBackend, RunContext } from '../../../../harness/backends/types.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import { CONTROL_PLANE, NS, seedKindCluster } from '../../../helpers/kube-api/kind-like.js';
import { KubeTestServer } from '../../../helpers/kube-api/server.js';

const ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.21-0';
// kubeadm's etcd static pod, as kind writes it on its control-plane node.
const manifest = `apiVersion: v1
kind: Pod
metadata: { name: etcd, namespace: kube-system }
spec:
  containers:
  - name: etcd
    image: ${ETCD_IMAGE}
    command:
    - etcd
    - --advertise-client-urls=https://${CONTROL_PLANE.address}:2379
    - --data-dir=/var/lib/etcd
    - --initial-advertise-peer-urls=https://${CONTROL_PLANE.address}:2380
    - --initial-cluster=${CONTROL_PLANE.name}=https://${CONTROL_PLANE.address}:2380
    - --name=${CONTROL_PLANE.name}
`;

let api: KubeTestServer;
let connected: ConnectedBackend;
const calls: string[] = [];
let failRebuild = false;

const RELEASE_IMAGE = 'gcr.io/etcd-development/etcd:v3.5.21';
// What each image holds: kubeadm's etcd image has etcd and etcdctl but no etcdutl
// (etcd-io/etcd#13764); etcd's release image has all three.
const IMAGE_TOOLS: Record<string, readonly string[]> = { [ETCD_IMAGE]: ['etcd', 'etcdctl'], [RELEASE_IMAGE]: ['etcd', 'etcdctl', 'etcdutl'] };
const pulled: string[] = [];
// Each etcdutl a script runs, in the etcd container (crictl exec) or in an image (ctr run), as
// the node would: a tool its image lacks fails as runc reports it.
function runsEtcdutl(script: string): void {
  for (const line of script.split('\n')) {
    const pull = /ctr -n k8s\.io images pull '([^']+)'/.exec(line);
    if (pull) pulled.push(pull[1]!);
    const image = /crictl exec "\$c" etcdutl/.test(line) ? ETCD_IMAGE : /ctr -n k8s\.io run .* '?([^' ]+)'? '?[^' ]+'? '?etcdutl'? /.exec(line)?.[1];
    if (image && !(IMAGE_TOOLS[image] ?? []).includes('etcdutl')) {
      throw new Error(`failed to create shim task: OCI runtime exec failed: exec failed: unable to start container process: exec: "etcdutl": executable file not found in $PATH: unknown (image ${image})`);
    }
    if (image && /ctr -n k8s\.io run/.test(line) && !pulled.includes(image)) throw new Error(`ctr: image "${image}": not found`);
  }
}

// The control-plane node container: it answers a snapshot's status, its manifest for a read,
// and the API server stops answering while its static pod is parked.
function fakeKind(): KindNodeOps {
  const unused = async () => undefined;
  return {
    crash: unused, start: unused, pause: unused, unpause: unused,
    connect: async () => ({ address: undefined }),
    disconnect: async () => undefined,
    state: async () => ({ running: true, paused: false, networks: ['kind'] }),
    exec: async (node, script) => {
      const named = script === READ_ETCD_MANIFEST ? 'read manifest' : script === STOP_CONTROL_PLANE ? 'stop control plane' : script === START_CONTROL_PLANE ? 'start control plane' : script === SWAP_SCRIPT ? 'swap data' : script === DISCARD_RESTORED ? 'discard restored' : script === DISCARD_BEFORE ? 'discard before' : script.includes('snapshot save') ? 'snapshot' : script.includes("'snapshot' 'restore'") ? 'rebuild' : script;
      calls.push(`${node}: ${named}`);
      if (named === 'rebuild' && failRebuild) throw new Error('ctr: failed to mount /var/lib: no space left on device');
      runsEtcdutl(script);
      if (named === 'read manifest') return manifest;
      if (named === 'snapshot') return 'Snapshot saved at /var/lib/etcd/kdrill-snapshot.db\n{"hash":3735928559,"revision":4821,"totalKey":912,"totalSize":6291456}\n';
      if (named === 'stop control plane') api.failNext({ path: /^\/api\/v1\/namespaces$/, status: 503, reason: 'ServiceUnavailable', times: 1 });
      return '';
    },
  };
}

const target = (provider = 'kind') => kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider });
const act = (type: 'etcd-snapshot' | 'etcd-restore') => connected.act(type, {}, { runId: 'run-1', signal: new AbortController().signal, log: () => {} } as never);

beforeEach(async () => {
  calls.length = 0;
  pulled.length = 0;
  failRebuild = false;
  api = await KubeTestServer.start();
  await seedKindCluster(api);
  const client = new KubeClient(api.kubeConfig(), { retry: { attempts: 1, baseDelayMs: 1 } });
  connected = await connectKubernetes(target(), client, { log: () => {} } as Pick<RunContext, 'log'>, { kind: fakeKind(), nodes: { notReadyMs: 3_000, readyMs: 10_000, drainMs: 1_500 } });
});

afterEach(async () => {
  await connected[Symbol.asyncDispose]();
  await api.close();
});

describe('etcd snapshot and restore on kind', () => {
  it('saves a snapshot through the control-plane node, then rebuilds etcd from it with the API server stopped, and waits for the API server', async () => {
    const saved = await act('etcd-snapshot');
    expect(saved).toMatchObject({ fromNode: CONTROL_PLANE.name, revision: 4821, keys: 912, bytes: 6291456, statusBy: `etcdutl from ${RELEASE_IMAGE}` });
    expect(pulled).toEqual([RELEASE_IMAGE]);
    expect(String(saved.file)).toMatch(/^\/var\/lib\/kdrill-backups\/etcd-snapshots\/.*-kdrill-control-plane\.db$/);
    expect(String(saved.hostFile)).toMatch(/^\/tmp\/kdrill-backups\/etcd-snapshots\//);

    const restored = await act('etcd-restore');
    expect(calls).toEqual([
      `${CONTROL_PLANE.name}: read manifest`,
      `${CONTROL_PLANE.name}: snapshot`,
      `${CONTROL_PLANE.name}: read manifest`,
      `${CONTROL_PLANE.name}: stop control plane`,
      `${CONTROL_PLANE.name}: rebuild`,
      `${CONTROL_PLANE.name}: swap data`,
      `${CONTROL_PLANE.name}: start control plane`,
      `${CONTROL_PLANE.name}: discard before`,
    ]);
    expect(restored).toMatchObject({ revision: 4821, members: [CONTROL_PLANE.name], snapshot: saved.hostFile, restoredBy: `etcdutl from ${RELEASE_IMAGE}` });
    // The API server failed once after the restart: kdrill waited for it.
    expect(Number(restored.apiMs)).toBeGreaterThan(1_000);
  });

  it('rebuilds each member with etcdutl from etcd\'s release image of the member\'s version (kubeadm\'s has none), the same membership and token, and the revision bumped', async () => {
    const { rebuildScript } = await import('../../../../harness/backends/kubernetes/etcd/restore.js');
    const script = rebuildScript({ node: CONTROL_PLANE.name, name: CONTROL_PLANE.name, peerUrl: `https://${CONTROL_PLANE.address}:2380`, image: ETCD_IMAGE }, '/var/lib/kdrill-backups/etcd-snapshots/s.db', `${CONTROL_PLANE.name}=https://${CONTROL_PLANE.address}:2380`, 'kdrill-restore-x');
    expect(script).toContain(`ctr -n k8s.io run --rm --mount type=bind,src=/var/lib,dst=/var/lib,options=rbind:rw '${RELEASE_IMAGE}' 'kdrill-restore-x-${CONTROL_PLANE.name}' etcdutl 'snapshot' 'restore' '/var/lib/kdrill-backups/etcd-snapshots/s.db'`);
    expect(script).toContain(`'--initial-cluster' '${CONTROL_PLANE.name}=https://${CONTROL_PLANE.address}:2380' '--initial-cluster-token' 'kdrill-restore-x' '--initial-advertise-peer-urls' 'https://${CONTROL_PLANE.address}:2380' '--bump-revision' '1000000000' '--mark-compacted'`);
    expect(() => runsEtcdutl(script)).not.toThrow();
    // etcdutl where the old code ran it, kubeadm's image: not there.
    expect(() => runsEtcdutl(`ctr -n k8s.io run --rm ${ETCD_IMAGE} x etcdutl snapshot restore s.db`)).toThrow(/exec: "etcdutl": executable file not found/);
    expect(() => runsEtcdutl('crictl exec "$c" etcdutl snapshot status s.db -w json')).toThrow(/executable file not found/);
  });

  it('restarts the control plane on its old data when a rebuild fails', async () => {
    await act('etcd-snapshot');
    failRebuild = true;
    await expect(act('etcd-restore')).rejects.toThrow('etcd-restore: rebuilding the members failed, so the control plane was restarted on its old data: ctr: failed to mount /var/lib: no space left on device');
    expect(calls.slice(-3)).toEqual([`${CONTROL_PLANE.name}: rebuild`, `${CONTROL_PLANE.name}: discard restored`, `${CONTROL_PLANE.name}: start control plane`]);
    expect(calls).not.toContain(`${CONTROL_PLANE.name}: swap data`);
  });

  it('refuses a restore before any snapshot of this run, touching nothing', async () => {
    await expect(act('etcd-restore')).rejects.toThrow('etcd-restore: no etcd snapshot was saved in this run; run an etcd-snapshot step first');
    expect(calls).toEqual([]);
  });

  it('refuses etcd actions on a cluster that is not kind when the scenario is validated', () => {
    expect(kubernetesBackend.refuseAction?.('etcd-snapshot', target('generic'))).toContain('needs provider "kind"');
    expect(kubernetesBackend.refuseAction?.('etcd-restore', target())).toBeUndefined();
    expect(kubernetesBackend.refuseAction?.('backup', target('generic'))).toBeUndefined();
  });
});
