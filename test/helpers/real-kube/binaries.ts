import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

// Where the real-API-server tier finds its binaries, in the ecosystem's order:
//   1. KUBEBUILDER_ASSETS: controller-runtime's envtest folder (kube-apiserver and etcd, and
//      kube-controller-manager if the user put one there), so a user with the assets of a
//      current Kubernetes runs the same tests against it;
//   2. KDRILL_KUBE_CACHE/bin (default /var/cache/kdrill/kube-v1.20.2/bin), what
//      `bash scripts/kube/build` builds from Debian's source package, with Debian's etcd.
// Without either the tests are skipped, with the reason in their names.
export const DEFAULT_KUBE_CACHE = '/var/cache/kdrill/kube-v1.20.2';

export interface KubeBinaries {
  readonly apiServer: string;
  readonly etcd: string;
  // Absent in envtest assets: the tests that need real controllers are skipped then.
  readonly controllerManager?: string;
  // "v1.20.2", from `kube-apiserver --version`.
  readonly version: string;
  readonly minor: number;
  readonly source: string;
}

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name: string, env: NodeJS.ProcessEnv): string | undefined =>
  (env['PATH'] ?? '')
    .split(':')
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(executable);

function versionOf(apiServer: string): { version: string; minor: number } | undefined {
  const out = spawnSync(apiServer, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const match = /v(\d+)\.(\d+)\.\d+\S*/.exec(`${out.stdout ?? ''}`);
  return match ? { version: match[0], minor: Number(match[2]) } : undefined;
}

export function findKubeBinaries(env: NodeJS.ProcessEnv = process.env): { binaries: KubeBinaries; unavailable?: undefined } | { binaries?: undefined; unavailable: string } {
  const assets = env['KUBEBUILDER_ASSETS'];
  let apiServer: string;
  let etcd: string | undefined;
  let controllerManager: string | undefined;
  let source: string;
  if (assets) {
    apiServer = path.join(assets, 'kube-apiserver');
    etcd = path.join(assets, 'etcd');
    const kcm = path.join(assets, 'kube-controller-manager');
    controllerManager = executable(kcm) ? kcm : undefined;
    source = `KUBEBUILDER_ASSETS=${assets}`;
    if (!executable(apiServer) || !executable(etcd)) return { unavailable: `KUBEBUILDER_ASSETS=${assets} holds no executable kube-apiserver and etcd` };
  } else {
    const cache = env['KDRILL_KUBE_CACHE'] ?? DEFAULT_KUBE_CACHE;
    apiServer = path.join(cache, 'bin', 'kube-apiserver');
    controllerManager = path.join(cache, 'bin', 'kube-controller-manager');
    source = `${cache}/bin (bash scripts/kube/build)`;
    if (!executable(apiServer) || !executable(controllerManager)) {
      return { unavailable: `no real kube-apiserver: KUBEBUILDER_ASSETS is unset and ${cache}/bin has none (\`bash scripts/kube/build\` builds it, as root, about 12 minutes)` };
    }
    etcd = onPath('etcd', env);
    if (!etcd) return { unavailable: 'no etcd on PATH for the real kube-apiserver (Debian: apt-get install etcd-server)' };
  }
  const version = versionOf(apiServer);
  if (!version) return { unavailable: `${apiServer} --version printed no Kubernetes version` };
  return { binaries: { apiServer, etcd, ...(controllerManager ? { controllerManager } : {}), ...version, source } };
}
