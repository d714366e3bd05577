import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { schemaValidator } from '../kube-schemas.js';
import { KubeTestServer } from './server.js';

// The fixture's kinds (seedKindCluster creates them) and what a drill creates beside them.
const FIXTURE_KINDS: [string, string][] = [
  ['v1', 'ServiceAccount'], ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['v1', 'Secret'], ['v1', 'Service'], ['v1', 'ConfigMap'], ['policy/v1', 'PodDisruptionBudget'], ['apps/v1', 'StatefulSet'],
];

// A test API server that refuses any object of these kinds the real schemas refuse, and a
// kubeconfig for it in a directory of its own; both gone on dispose.
export async function validatingApi(prefix: string, created: [string, string][]): Promise<{ api: KubeTestServer; dir: string; kubeconfig: string } & AsyncDisposable> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const api = await KubeTestServer.start({ validate: await schemaValidator([...created, ...FIXTURE_KINDS]) });
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
  return {
    api,
    dir,
    kubeconfig,
    async [Symbol.asyncDispose]() {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
