import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCliInProcess } from '../../../helpers/cli.js';
import { schemaProblems } from '../../../helpers/kube-schemas.js';
import { chaosMeshUnavailable, unlessSkipped } from '../../../helpers/shared-files.js';

let dir: string;

const scenario = () => `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata: { name: k8s-dry-run }
tier: { name: tier1 }
target:
  backend: kubernetes
  context: kind-kdrill
  namespace: kdrill-pg
  allowedContexts: [kind-kdrill]
  allowedNamespaces: [kdrill-pg]
  provider: kind
load: { driver: none }
steps:
  - name: kill-primary
    fault: pod-kill
    pod: primary
  - name: slow-zone
    fault: network-delay
    zone: zone-b
    latency: 150ms
    duration: 1m
  - name: cut-zone
    fault: zone-partition
    zone: primary
    duration: 1m
  - name: freeze
    fault: node-freeze
    node: replica
    duration: 30s
`;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-dry-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The run's --dry-run output and the Chaos Mesh objects in it.
async function dryRunChaos() {
  const file = path.join(dir, 'k8s.yaml');
  writeFileSync(file, scenario());
  const r = await runCliInProcess(['--kubeconfig', path.join(dir, 'absent-kubeconfig'), 'run', file, '--dry-run']);
  const yaml = r.stdout.slice(r.stdout.indexOf('apiVersion: chaos-mesh.org'), r.stdout.indexOf('\n--dry-run: nothing'));
  const objects = parseAllDocuments(yaml).map((d) => d.toJSON() as Record<string, unknown> & { metadata: { name: string; labels: Record<string, string> } });
  return { r, objects };
}

describe('kdrill run --dry-run on a kubernetes scenario', () => {
  it('prints every Chaos Mesh object and node operation, touching nothing', async () => {
    const { r, objects } = await dryRunChaos();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nominal kind topology (the cluster could not be read');
    expect(r.stdout).toContain('# step freeze: node-freeze: pause the node containers of kdrill-worker3');
    expect(r.stdout).toContain('$ docker pause kdrill-worker3');
    expect(objects.map((o) => o.kind)).toEqual(['PodChaos', 'NetworkChaos', 'NetworkChaos']);
    for (const object of objects) expect(object.metadata.labels['app.kubernetes.io/managed-by']).toBe('kdrill');
    expect(objects[0]!.spec).toMatchObject({ selector: { pods: { 'kdrill-pg': ['postgres-0'] } } });
    expect(objects[1]!.spec).toMatchObject({ delay: { latency: '150ms' }, selector: { nodeSelectors: { 'topology.kubernetes.io/zone': 'zone-b' } } });
    expect(r.stdout).toContain('--dry-run: nothing was created or touched.');
  });

  it.skipIf(chaosMeshUnavailable)(unlessSkipped('the Chaos Mesh objects it prints are valid against the CRDs', chaosMeshUnavailable), async () => {
    const { objects } = await dryRunChaos();
    expect(objects).toHaveLength(3);
    for (const object of objects) expect(await schemaProblems(object)).toEqual([]);
  });

  it('prints the Job and ConfigMap of a load that runs in the cluster (the bundled driver by its size), and each restore\'s scratch pod and Service', async () => {
    const file = path.join(dir, 'k8s.yaml');
    writeFileSync(file, `${scenario().replace('load: { driver: none }', 'load: { driver: ledger, rate: 100, runIn: cluster }\nabort: { maxDuration: 20m }')}  - name: take-backup\n    action: backup\n  - name: restore-it\n    action: restore\n`);
    const r = await runCliInProcess(['--kubeconfig', path.join(dir, 'absent-kubeconfig'), 'run', file, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# the load: the ledger driver as a Job');
    const yaml = r.stdout.slice(r.stdout.indexOf('# the load:'), r.stdout.indexOf('\n--dry-run: nothing'));
    const objects = parseAllDocuments(yaml).map((d) => d.toJSON() as Record<string, unknown> & { data?: Record<string, string>; spec?: { activeDeadlineSeconds: number } });
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Job', 'Pod', 'Service']);
    for (const object of objects) expect(await schemaProblems(object)).toEqual([]);
    expect(r.stdout).toContain("# step restore-it: a scratch pod and its Service, from the fixture's StatefulSet");
    expect(JSON.stringify(objects[2])).toContain('the backup and point chosen when the step runs');
    expect(objects[3]!.spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: 30434 }] });
    expect(objects[0]!.data!['ledger-driver.cjs']).toMatch(/^<the bundled ledger driver, \d+ KiB>$/);
    expect(objects[1]!.spec!.activeDeadlineSeconds).toBe(20 * 60 + 900);
    expect(yaml).toContain('node:20-bookworm-slim');
  });
});
