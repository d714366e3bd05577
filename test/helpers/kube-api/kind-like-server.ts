import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedKindCluster } from './kind-like.js';
import { KubeTestServer } from './server.js';

export interface KindLikeServer {
  readonly api: KubeTestServer;
  // A fresh temporary directory holding the kubeconfig; removed by close().
  readonly dir: string;
  close(): Promise<void>;
}

// A test API server seeded like kind (seedKindCluster), with KUBECONFIG naming it from a
// fresh temporary directory whose name starts with `prefix`.
export async function startKindLikeServer(prefix: string): Promise<KindLikeServer> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const api = await KubeTestServer.start();
  writeFileSync(path.join(dir, 'kubeconfig'), api.kubeConfig().exportConfig());
  process.env.KUBECONFIG = path.join(dir, 'kubeconfig');
  await seedKindCluster(api);
  return {
    api,
    dir,
    close: async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
