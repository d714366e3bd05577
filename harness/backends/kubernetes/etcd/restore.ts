import { ErrorCode, KdrillError } from '../../../common/errors.js';
import type { KubeClient } from '../client/kube-client.js';
import type { KindNodeOps } from '../nodes/kind-nodes.js';
import { waitApiAnswers, waitReady } from '../nodes/node-api.js';
import { etcdutlCommand, etcdutlImageFor } from './etcdutl.js';
import type { KindEtcdSnapshot } from './snapshot.js';
import { APISERVER_MANIFEST, APISERVER_PARKED, ETCD_MANIFEST, ETCD_PARKED, memberOfManifest, park, READ_ETCD_MANIFEST, stopContainers, unpark, type KindEtcdMember } from './static-pods.js';

const RESTORED = '/var/lib/etcd-kdrill-restored';
const BEFORE = '/var/lib/etcd-before-kdrill-restore';

export interface KindEtcdRestore {
  readonly snapshot: string;
  readonly revision: number;
  readonly members: readonly string[];
  readonly restoreMs: number; // etcd and the API server stopped, every member's data rebuilt
  readonly apiMs: number; // then the static pods back until the API server answers
  readonly readyMs: number; // and until every control-plane node is Ready
  // What rebuilt the members' data: etcdutl, and the image it came from.
  readonly restoredBy: string;
}

// Stops etcd and the API server (the API server's caches would outlive a store that went back
// in time), both kept stopped by parking their manifests.
export const STOP_CONTROL_PLANE = [park(ETCD_MANIFEST, ETCD_PARKED), park(APISERVER_MANIFEST, APISERVER_PARKED), stopContainers('^(etcd|kube-apiserver)$')].join('; ');
export const START_CONTROL_PLANE = [unpark(ETCD_MANIFEST, ETCD_PARKED), unpark(APISERVER_MANIFEST, APISERVER_PARKED)].join('; ');

// One member's data directory rebuilt from the snapshot, with etcdutl from etcd's release
// image of the member's version (./etcdutl.ts: kubeadm's etcd image has none): same
// membership and token on every member. The revision is bumped and everything before it marked compacted, so no watcher
// sees revisions go backwards (what Kubernetes' etcd documentation asks of a restore).
export function rebuildScript(member: KindEtcdMember, snapshotFile: string, initialCluster: string, token: string): string {
  return [
    'set -e',
    `rm -rf ${RESTORED}`,
    etcdutlCommand(etcdutlImageFor(member.image), `${token}-${member.name}`, ['snapshot', 'restore', snapshotFile, '--data-dir', RESTORED, '--name', member.name, '--initial-cluster', initialCluster, '--initial-cluster-token', token, '--initial-advertise-peer-urls', member.peerUrl, '--bump-revision', '1000000000', '--mark-compacted']),
  ].join('\n');
}

export const SWAP_SCRIPT = `set -e; rm -rf ${BEFORE}; mv /var/lib/etcd ${BEFORE}; mv ${RESTORED} /var/lib/etcd`;
export const DISCARD_RESTORED = `rm -rf ${RESTORED}`;
export const DISCARD_BEFORE = `rm -rf ${BEFORE}`;

/**
 * The kubeadm runbook on kind's control plane: etcd and the API server stopped on every
 * control-plane node, each member's data rebuilt from the snapshot, swapped in only once
 * every member's is, then both started again. A rebuild that fails leaves the old data in
 * place and restarts the control plane as it was.
 * @throws KdrillError STEP_FAILED when the rebuild fails, or the API server or the nodes do not come back in time.
 */
export async function restoreKindEtcd(client: KubeClient, kind: KindNodeOps, controlPlane: readonly string[], snapshot: KindEtcdSnapshot, log: (line: string) => void, timeoutMs: number, signal?: AbortSignal): Promise<KindEtcdRestore> {
  const members = await Promise.all(controlPlane.map(async (node) => memberOfManifest(node, await kind.exec(node, READ_ETCD_MANIFEST))));
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const token = `kdrill-restore-${Date.now().toString(36)}`;
  log(`etcd-restore: stopping etcd and the API server on ${controlPlane.join(', ')}, rebuilding ${members.length} member(s) from ${snapshot.hostFile} (revision ${snapshot.revision})`);
  const started = performance.now();
  for (const node of controlPlane) await kind.exec(node, STOP_CONTROL_PLANE);
  try {
    for (const member of members) await kind.exec(member.node, rebuildScript(member, snapshot.file, initialCluster, token));
  } catch (error) {
    for (const node of controlPlane) await kind.exec(node, DISCARD_RESTORED).catch(() => undefined);
    for (const node of controlPlane) await kind.exec(node, START_CONTROL_PLANE).catch(() => undefined);
    throw new KdrillError(ErrorCode.STEP_FAILED, `etcd-restore: rebuilding the members failed, so the control plane was restarted on its old data: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  for (const node of controlPlane) await kind.exec(node, SWAP_SCRIPT);
  const restoreMs = performance.now() - started;
  for (const node of controlPlane) await kind.exec(node, START_CONTROL_PLANE);
  const apiStarted = performance.now();
  let apiMs = Number.NaN;
  try {
    await waitApiAnswers(client, timeoutMs, signal);
    apiMs = performance.now() - apiStarted;
    await waitReady(client, controlPlane, timeoutMs, signal);
  } catch (error) {
    const what = Number.isNaN(apiMs) ? 'the API server did not answer' : 'the control-plane nodes were not Ready';
    throw new KdrillError(ErrorCode.STEP_FAILED, `etcd-restore: ${what} within ${Math.round(timeoutMs / 1000)} s of the restart on the restored data (the old data is kept in ${BEFORE} on each node)`, { cause: error });
  }
  const readyMs = performance.now() - apiStarted;
  for (const node of controlPlane) await kind.exec(node, DISCARD_BEFORE).catch(() => undefined);
  log(`etcd-restore: the API server answered ${Math.round(apiMs)} ms after the restart; control plane Ready after ${Math.round(readyMs)} ms`);
  return { snapshot: snapshot.hostFile, revision: snapshot.revision, members: members.map((m) => m.name), restoreMs, apiMs, readyMs, restoredBy: `etcdutl from ${[...new Set(members.map((m) => etcdutlImageFor(m.image)))].join(', ')}` };
}
