import { ErrorCode, KdrillError } from '../../../common/errors.js';

// etcdutl (snapshot status and restore: etcdctl lost both in etcd 3.6, etcd-io/etcd#13809) is
// not in the image kubeadm and kind run etcd from: registry.k8s.io/etcd ships etcd and etcdctl
// only (etcd-io/etcd#13764). etcd's own release image of the same version ships it, so kdrill
// runs that one on the control-plane node, through containerd (`ctr`, which every kind node
// has), with no network and /var/lib (etcd's data, the snapshots) mounted.
export const ETCD_RELEASE_REPOSITORY = 'gcr.io/etcd-development/etcd';

// registry.k8s.io/etcd:3.5.21-0 → gcr.io/etcd-development/etcd:v3.5.21; an image already from
// etcd's release repository (or quay.io/coreos/etcd) is used as it is.
export function etcdutlImageFor(etcdImage: string): string {
  if (etcdImage.startsWith(`${ETCD_RELEASE_REPOSITORY}:`) || etcdImage.startsWith('quay.io/coreos/etcd:')) return etcdImage;
  const tag = /:v?(\d+\.\d+\.\d+)(?:-\d+)?(?:@sha256:[0-9a-f]+)?$/.exec(etcdImage)?.[1];
  if (!tag) throw new KdrillError(ErrorCode.STEP_FAILED, `cannot tell etcd's version from its image "${etcdImage}": kdrill needs it to bring etcdutl of the same version (${ETCD_RELEASE_REPOSITORY}:v<version>)`);
  return `${ETCD_RELEASE_REPOSITORY}:v${tag}`;
}

const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

// A shell command that runs `etcdutl <args>` from `image` on the node, pulling it first if the
// node lacks it (its progress to stderr, so stdout is etcdutl's alone). `id` names the task.
export function etcdutlCommand(image: string, id: string, args: readonly string[]): string {
  return [
    `if ! ctr -n k8s.io images ls -q | grep -qxF ${quote(image)}; then ctr -n k8s.io images pull ${quote(image)} >&2; fi`,
    `ctr -n k8s.io run --rm --mount type=bind,src=/var/lib,dst=/var/lib,options=rbind:rw ${quote(image)} ${quote(id)} etcdutl ${args.map(quote).join(' ')}`,
  ].join('\n');
}
