import { appendFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeClient } from './client/kube-client.js';
import type { ObjectRef } from './client/types.js';
import { labelValue, MANAGED_BY, RUN_ID } from './objects/labels.js';

// What a run creates in the workload's namespace besides Chaos Mesh objects (which its fault
// records revert): load Jobs and their ConfigMaps, restore pods and their Services.
const RUN_OBJECT_KINDS = [
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
] as const;

// Deletes everything labelled with the run's id and kdrill as its manager; names what it removed.
export async function reapRunObjects(client: KubeClient, namespace: string, runId: string): Promise<string[]> {
  const labelSelector = `${MANAGED_BY}=kdrill,${RUN_ID}=${labelValue(runId)}`;
  const removed: string[] = [];
  for (const type of RUN_OBJECT_KINDS) {
    for (const object of (await client.list({ ...type, namespace, labelSelector })).items) {
      const ref: ObjectRef = { ...type, namespace, name: object.metadata.name! };
      // A Job's pods go with it; a pod of a Job already deleted is only listed, not counted.
      if (await client.delete(ref, type.kind === 'Job' ? { propagation: 'Background' } : {})) removed.push(`${type.kind} ${namespace}/${ref.name}`);
    }
  }
  return removed;
}

// A run directory says what its run left in the cluster on purpose (--keep-restored), and
// that `kdrill cleanup` already removed what it left: only such runs, and runs that died
// before their end, are looked up again.
const KEPT_FILE = 'kubernetes-kept.txt';
const REAPED_FILE = '.kubernetes-reaped';

export async function markKept(runDir: string, name: string): Promise<void> {
  await appendFile(path.join(runDir, KEPT_FILE), `${name}\n`);
}

export async function needsReaping(runDir: string, ended: boolean): Promise<boolean> {
  const exists = (file: string) => stat(path.join(runDir, file)).then(() => true, () => false);
  if (await exists(REAPED_FILE)) return false;
  return !ended || (await exists(KEPT_FILE));
}

export async function markReaped(runDir: string): Promise<void> {
  await writeFile(path.join(runDir, REAPED_FILE), `${new Date().toISOString()}\n`);
  await rm(path.join(runDir, KEPT_FILE), { force: true });
}
