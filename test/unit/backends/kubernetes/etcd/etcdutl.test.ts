import { describe, expect, it } from 'vitest';
import { etcdutlCommand, etcdutlImageFor } from '../../../../../harness/backends/kubernetes/etcd/etcdutl.js';

describe('etcdutl from etcd\'s release image', () => {
  it('is the release of the version kubeadm\'s image carries', () => {
    expect(etcdutlImageFor('registry.k8s.io/etcd:3.5.21-0')).toBe('gcr.io/etcd-development/etcd:v3.5.21');
    expect(etcdutlImageFor('registry.k8s.io/etcd:3.6.4-0@sha256:' + 'a'.repeat(64))).toBe('gcr.io/etcd-development/etcd:v3.6.4');
    expect(etcdutlImageFor('gcr.io/etcd-development/etcd:v3.5.9')).toBe('gcr.io/etcd-development/etcd:v3.5.9');
    expect(() => etcdutlImageFor('my-registry/etcd:latest')).toThrow(/cannot tell etcd's version from its image "my-registry\/etcd:latest"/);
  });

  it('pulls the image only when the node lacks it, and keeps stdout for etcdutl', () => {
    const command = etcdutlCommand('gcr.io/etcd-development/etcd:v3.5.21', 'kdrill-x', ['snapshot', 'status', '/var/lib/etcd/s.db', '-w', 'json']);
    expect(command).toBe(
      "if ! ctr -n k8s.io images ls -q | grep -qxF 'gcr.io/etcd-development/etcd:v3.5.21'; then ctr -n k8s.io images pull 'gcr.io/etcd-development/etcd:v3.5.21' >&2; fi\n" +
        "ctr -n k8s.io run --rm --mount type=bind,src=/var/lib,dst=/var/lib,options=rbind:rw 'gcr.io/etcd-development/etcd:v3.5.21' 'kdrill-x' etcdutl 'snapshot' 'status' '/var/lib/etcd/s.db' '-w' 'json'",
    );
  });
});
