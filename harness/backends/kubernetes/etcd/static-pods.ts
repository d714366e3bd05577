import { parse } from 'yaml';

// kubeadm (and so kind) runs etcd and the API server as static pods: moving a manifest away
// makes the kubelet stop the pod and keeps it stopped (a killed container would be
// restarted); moving it back restarts it.
export const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml';
export const ETCD_PARKED = '/etc/kubernetes/kdrill-etcd.yaml.stopped';
export const APISERVER_MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml';
export const APISERVER_PARKED = '/etc/kubernetes/kdrill-kube-apiserver.yaml.stopped';

export const park = (manifest: string, parked: string): string => `if [ -f ${manifest} ]; then mv ${manifest} ${parked}; fi`;
export const unpark = (manifest: string, parked: string): string => `if [ -f ${parked} ]; then mv ${parked} ${manifest}; fi`;
export const stopContainers = (namePattern: string): string => `for c in $(crictl ps -q --name '${namePattern}'); do crictl stop --timeout 0 "$c"; done`;

export const STOP_ETCD = `${park(ETCD_MANIFEST, ETCD_PARKED)}; ${stopContainers('^etcd$')}`;
export const START_ETCD = unpark(ETCD_MANIFEST, ETCD_PARKED);

// One control-plane node's etcd member, as its static pod's manifest declares it.
export interface KindEtcdMember {
  readonly node: string;
  readonly name: string;
  readonly peerUrl: string;
  readonly image: string;
}

// The manifest wherever it is (parked by an etcd-stop fault, or in place).
export const READ_ETCD_MANIFEST = `cat ${ETCD_MANIFEST} 2>/dev/null || cat ${ETCD_PARKED}`;

export function memberOfManifest(node: string, manifest: string): KindEtcdMember {
  const pod = parse(manifest) as { spec?: { containers?: { image?: string; command?: string[] }[] } } | null;
  const container = pod?.spec?.containers?.[0];
  const flag = (name: string): string | undefined => container?.command?.find((c) => c.startsWith(`--${name}=`))?.slice(name.length + 3);
  const name = flag('name');
  const peerUrl = flag('initial-advertise-peer-urls')?.split(',')[0];
  if (!container?.image || !name || !peerUrl) throw new Error(`the etcd manifest of ${node} does not name its image, --name and --initial-advertise-peer-urls`);
  return { node, name, peerUrl, image: container.image };
}
