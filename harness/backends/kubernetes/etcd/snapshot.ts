import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { KIND_BACKUP_DIR, KIND_HOST_BACKUP_DIR } from '../kind/plan.js';
import type { KindNodeOps } from '../nodes/kind-nodes.js';
import { etcdutlCommand, etcdutlImageFor } from './etcdutl.js';
import { memberOfManifest, READ_ETCD_MANIFEST } from './static-pods.js';

// Snapshots go where pgBackRest's repository is: the host directory kind mounts on every
// node, outside every node.
export const SNAPSHOT_DIR = `${KIND_BACKUP_DIR}/etcd-snapshots`;
const SCRATCH = '/var/lib/etcd/kdrill-snapshot.db'; // inside etcd's own mounts

// etcd's client certificate for health checks, which kubeadm creates on every control-plane node.
const ETCDCTL_TLS = '--endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key';

export interface KindEtcdSnapshot {
  readonly file: string; // on the nodes; the host holds it under KIND_HOST_BACKUP_DIR
  readonly hostFile: string;
  readonly savedAt: string;
  readonly fromNode: string;
  readonly revision: number;
  readonly keys: number;
  readonly bytes: number;
  readonly hash: number;
  readonly durationMs: number;
  // What read the snapshot's status (etcdutl, and the image it came from).
  readonly statusBy: string;
}

// Saved by etcdctl in the node's etcd container (the node has no etcdctl), its status read by
// etcdutl from etcd's release image (./etcdutl.ts), then moved beside the backups.
export function snapshotScript(file: string, etcdutlImage: string, id: string): string {
  return [
    'set -e',
    `c=$(crictl ps -q --name '^etcd$' | head -n 1)`,
    'if [ -z "$c" ]; then echo "etcd is not running on this node" >&2; exit 3; fi',
    `crictl exec "$c" etcdctl ${ETCDCTL_TLS} --command-timeout=60s snapshot save ${SCRATCH} >&2`,
    etcdutlCommand(etcdutlImage, id, ['snapshot', 'status', SCRATCH, '-w', 'json']),
    `mkdir -p ${SNAPSHOT_DIR}`,
    `mv ${SCRATCH} ${file}`,
  ].join('\n');
}

/** Saves a snapshot from the first control-plane node whose etcd answers. @throws KdrillError STEP_FAILED when none does. */
export async function saveKindEtcdSnapshot(kind: KindNodeOps, controlPlane: readonly string[], log: (line: string) => void): Promise<KindEtcdSnapshot> {
  const problems: string[] = [];
  for (const node of controlPlane) {
    const savedAt = new Date();
    const name = `${savedAt.toISOString().replace(/[:.]/g, '-')}-${node}.db`;
    const file = `${SNAPSHOT_DIR}/${name}`;
    const started = performance.now();
    try {
      const image = etcdutlImageFor(memberOfManifest(node, await kind.exec(node, READ_ETCD_MANIFEST)).image);
      const out = await kind.exec(node, snapshotScript(file, image, `kdrill-snapshot-${savedAt.getTime().toString(36)}`));
      const status = JSON.parse(out.trim().split('\n').at(-1) ?? '') as { hash: number; revision: number; totalKey: number; totalSize: number };
      const durationMs = performance.now() - started;
      const statusBy = `etcdutl from ${image}`;
      log(`etcd-snapshot: ${status.totalKey} keys at revision ${status.revision} from ${node} (${status.totalSize} bytes) in ${Math.round(durationMs)} ms; status read by ${statusBy}`);
      return { file, hostFile: `${KIND_HOST_BACKUP_DIR}/etcd-snapshots/${name}`, savedAt: savedAt.toISOString(), fromNode: node, revision: status.revision, keys: status.totalKey, bytes: status.totalSize, hash: status.hash, durationMs, statusBy };
    } catch (error) {
      problems.push(`${node}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new KdrillError(ErrorCode.STEP_FAILED, `etcd-snapshot: no control-plane node could save one (${problems.join('; ') || 'no control-plane node'})`);
}
