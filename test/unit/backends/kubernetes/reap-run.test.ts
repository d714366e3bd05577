import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLabels } from '../../../../harness/backends/kubernetes/objects/labels.js';
import { runCliInProcess } from '../../../helpers/cli.js';
import { NS } from '../../../helpers/kube-api/kind-like.js';
import { startKindLikeServer, type KindLikeServer } from '../../../helpers/kube-api/kind-like-server.js';
import type { JsonObject } from '../../../helpers/kube-api/patch.js';
import { KubeTestServer } from '../../../helpers/kube-api/server.js';

let server: KindLikeServer;
let api: KubeTestServer;
let dir: string;

beforeEach(async () => {
  server = await startKindLikeServer('kdrill-reap-');
  ({ api, dir } = server);
});

afterEach(() => server.close());

// A run directory whose journal is what a run of a kubernetes scenario wrote, cut off (no
// run-end) unless `ended`.
function runDir(runId: string, ended: boolean): string {
  const run = path.join(dir, 'reports', runId);
  mkdirSync(run, { recursive: true });
  const target = { backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind', statefulSet: 'postgres' };
  const entries = [
    { kind: 'run-start', at: 0, wall: '2026-11-24T10:00:00.000Z', runId, plan: { scenario: { name: 'reap' }, backend: 'kubernetes', targets: { tier: 'tier1', rpoMs: 60_000, rtoMs: 300_000 }, steps: [], scenarioDoc: { target } }, kdrillVersion: '0.1.0' },
    ...(ended ? [{ kind: 'run-end', at: 1000, status: 'passed' }] : []),
  ];
  writeFileSync(path.join(run, 'journal.jsonl'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return run;
}

const labelled = (kind: string, apiVersion: string, name: string, runId: string): JsonObject => ({ apiVersion, kind, metadata: { name, namespace: NS, labels: runLabels(runId) }, ...(kind === 'ConfigMap' ? { data: {} } : { spec: {} }) });

describe('kdrill cleanup on kubernetes runs', () => {
  it('removes the Jobs, ConfigMaps, pods and Services a dead run left, once, and leaves other runs\' objects', async () => {
    runDir('run-dead', false);
    api.put(labelled('Job', 'batch/v1', 'kdrill-ledger-1a2b3c4d', 'run-dead'));
    api.put(labelled('ConfigMap', 'v1', 'kdrill-ledger-1a2b3c4d', 'run-dead'));
    api.put(labelled('Pod', 'v1', 'kdrill-restore-1a2b3c4d-1', 'run-dead'));
    api.put(labelled('Service', 'v1', 'kdrill-restore-1a2b3c4d-1', 'run-dead'));
    api.put(labelled('ConfigMap', 'v1', 'kdrill-k6-99999999', 'run-other'));

    const first = await runCliInProcess(['cleanup', '--reports', path.join(dir, 'reports')]);
    expect(first.stdout).toContain('removed Job kdrill-pg/kdrill-ledger-1a2b3c4d, left by run run-dead');
    expect(first.stdout).toContain('removed Pod kdrill-pg/kdrill-restore-1a2b3c4d-1');
    expect(first.stdout).toContain('removed Service kdrill-pg/kdrill-restore-1a2b3c4d-1');
    expect(api.objects('batch/v1', 'Job', NS)).toEqual([]);
    expect(api.objects('v1', 'ConfigMap', NS).map((c) => (c.metadata as JsonObject).name).sort()).toEqual(['kdrill-k6-99999999', 'postgres-patroni']);
    expect(first.code).toBe(0);

    const second = await runCliInProcess(['cleanup', '--reports', path.join(dir, 'reports')]);
    expect(second.stdout).toContain('nothing to clean up');
    expect(api.requests.filter((r) => r.path.includes('/jobs')).length).toBeGreaterThan(0);
  });

  it('looks up a run that ended only when it kept restored instances', async () => {
    const ended = runDir('run-ended', true);
    api.put(labelled('Pod', 'v1', 'kdrill-restore-aaaaaaaa-1', 'run-ended'));
    const untouched = await runCliInProcess(['cleanup', '--reports', path.join(dir, 'reports')]);
    expect(untouched.stdout).toContain('nothing to clean up');
    expect(api.objects('v1', 'Pod', NS).some((p) => (p.metadata as JsonObject).name === 'kdrill-restore-aaaaaaaa-1')).toBe(true);

    writeFileSync(path.join(ended, 'kubernetes-kept.txt'), 'kdrill-restore-aaaaaaaa-1\n');
    const kept = await runCliInProcess(['cleanup', '--reports', path.join(dir, 'reports')]);
    expect(kept.stdout).toContain('removed Pod kdrill-pg/kdrill-restore-aaaaaaaa-1, left by run run-ended');
    expect(existsSync(path.join(ended, 'kubernetes-kept.txt'))).toBe(false);
  });

  it('reports a cluster it cannot reach as cleanup incomplete', async () => {
    runDir('run-dead', false);
    await api.close();
    const r = await runCliInProcess(['cleanup', '--reports', path.join(dir, 'reports')]);
    expect(r.stdout).toContain('could not remove what run run-dead left in its cluster');
    expect(r.code).toBe(7);
    api = await KubeTestServer.start();
  });
});
