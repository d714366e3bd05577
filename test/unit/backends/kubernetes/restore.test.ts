import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesBackend } from '../../../../harness/backends/kubernetes/index.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { kubernetesTargetSchema } from '../../../../harness/scenario/schema/target.js';
import type { KdrillError } from '../../../../harness/common/errors.js';
import { NS, seedKindCluster } from '../../../helpers/kube-api/kind-like.js';
import type { JsonObject } from '../../../helpers/kube-api/patch.js';
import type { KubeTestServer } from '../../../helpers/kube-api/server.js';
import { validatingApi } from '../../../helpers/kube-api/validating.js';

let api: KubeTestServer;
let dir: string;
let server: Awaited<ReturnType<typeof validatingApi>>;
const targetOf = () =>
  kubernetesTargetSchema.parse({ backend: 'kubernetes', context: 'kind-kdrill', namespace: NS, allowedContexts: ['kind-kdrill'], allowedNamespaces: [NS], provider: 'kind' });
const actx = () => ({ runId: 'run-1', journal: new MemoryJournal(), signal: new AbortController().signal, entries: [] });

const INFO = JSON.stringify([
  {
    name: 'kdrill',
    backup: [
      {
        label: '20261124-120000F',
        type: 'full',
        timestamp: { start: 1_790_000_000, stop: 1_790_000_030 },
        info: { size: 31_000_000, delta: 31_000_000, repository: { size: 4_000_000, delta: 4_000_000 } },
        archive: { start: '000000010000000000000003', stop: '000000010000000000000003' },
      },
    ],
  },
]);

// The kubelet and the pods as a restore sees them: the scratch pod runs and turns Ready (or
// ends Failed with pgBackRest's words); PostgreSQL in it is in recovery once, then promoted.
function simulate(options: { fail?: string } = {}): string[] {
  const ran: string[] = [];
  let asked = 0;
  api.store.subscribe((e) => {
    const meta = e.object.metadata as JsonObject;
    if (e.resource.kind !== 'Pod' || e.type !== 'ADDED' || !(meta.labels as Record<string, string> | undefined)?.['kdrill.dev/restore']) return;
    setImmediate(() => {
      const pod = api.object('v1', 'Pod', NS, String(meta.name))!;
      if (options.fail) api.setLog(NS, String(meta.name), options.fail);
      api.put({ ...pod, status: options.fail ? { phase: 'Failed' } : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    });
  });
  api.onExec((_ns, pod, _container, command) => {
    const line = command.join(' ');
    ran.push(`${pod}: ${line}`);
    if (line.includes('info')) return { stdout: INFO };
    if (line.includes('pg_is_in_recovery')) return { stdout: asked++ === 0 ? 't\n' : 'f\n' };
    if (line.includes('pg_control_checkpoint')) return { stdout: '2\n' };
    if (command[0] === 'du') return { stdout: `33554432\t${command[2]}\n` };
    return { stdout: '' };
  });
  return ran;
}

beforeEach(async () => {
  server = await validatingApi('kdrill-k8s-restore-', [['v1', 'Pod']]);
  ({ api, dir } = server);
  process.env.KUBECONFIG = server.kubeconfig;
});

afterEach(async () => {
  await server[Symbol.asyncDispose]();
});

describe('kubernetes backend: restore into a scratch pod', () => {
  it('restores the latest backup in a pod of its own (never the StatefulSet’s volumes), waits for promotion and a write, and removes it at the end', async () => {
    await seedKindCluster(api);
    const ran = simulate();
    let result: Record<string, unknown>;
    let name: string;
    {
      await using connected = await kubernetesBackend.connect(targetOf(), { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
      result = await connected.act('restore', { from: 'latest', into: 'scratch-instance' }, actx());
      name = String(result.name);
      expect(result).toMatchObject({ into: 'scratch-instance', target: 'latest', timeline: 2, restoredBytes: 33_554_432, url: 'postgresql://postgres@127.0.0.1:5434/postgres', backup: { label: '20261124-120000F' } });
      expect((await connected.endpoints()).restored).toEqual([{ name, url: 'postgresql://postgres@127.0.0.1:5434/postgres' }]);
      const pod = api.object('v1', 'Pod', NS, name)!;
      const spec = pod.spec as { restartPolicy: string; containers: { command: string[]; env: { name: string }[] }[]; volumes: JsonObject[] };
      expect(spec.restartPolicy).toBe('Never');
      expect(spec.containers[0]!.command[2]).toBe(
        "set -e; mkdir -p -m 0700 '/var/lib/postgresql/data/pgdata'; pgbackrest --stanza='kdrill' '--pg1-path=/var/lib/postgresql/data/pgdata' '--set=20261124-120000F' '--archive-mode=off' 'restore'; exec postgres -D '/var/lib/postgresql/data/pgdata' -c listen_addresses='*' -c port=5432 -c unix_socket_directories=/tmp",
      );
      expect(spec.containers[0]!.env.map((e) => e.name)).toEqual(['PGBACKREST_CONFIG']);
      expect(spec.volumes).toContainEqual({ name: 'data', emptyDir: {} });
      expect(spec.volumes).toContainEqual({ name: 'backups', hostPath: { path: '/var/lib/kdrill-backups', type: 'DirectoryOrCreate' } });
      expect((api.object('v1', 'Service', NS, name)!.spec as JsonObject).ports).toEqual([{ name: 'postgresql', port: 5432, targetPort: 5432, protocol: 'TCP', nodePort: 30434 }]);
      expect(ran.filter((r) => r.startsWith(name)).map((r) => r.slice(name.length + 2).replace('psql -h /tmp -U postgres -d postgres -Atc ', 'sql: '))).toEqual([
        'sql: select pg_is_in_recovery()',
        'sql: select pg_is_in_recovery()',
        'sql: create table if not exists kdrill_restore_probe (at timestamptz); insert into kdrill_restore_probe values (now())',
        'sql: select timeline_id from pg_control_checkpoint()',
        'du -sb /var/lib/postgresql/data/pgdata',
      ]);
    }
    expect(api.object('v1', 'Pod', NS, name)).toBeUndefined();
    expect(api.object('v1', 'Service', NS, name)).toBeUndefined();
  });

  it('two restores in one run each get a NodePort of their own (the API server allocates each once), reached at the host port kind maps to it', async () => {
    await seedKindCluster(api);
    simulate();
    {
      await using connected = await kubernetesBackend.connect(targetOf(), { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
      const first = await connected.act('restore', { from: 'latest', into: 'scratch-instance' }, actx());
      const second = await connected.act('restore', { from: 'latest', into: 'scratch-instance' }, actx());
      expect([first.url, second.url]).toEqual(['postgresql://postgres@127.0.0.1:5434/postgres', 'postgresql://postgres@127.0.0.1:5435/postgres']);
      const nodePorts = [first, second].map((r) => ((api.object('v1', 'Service', NS, String(r.name))!.spec as JsonObject).ports as JsonObject[])[0]!.nodePort);
      expect(nodePorts).toEqual([30434, 30435]);
      expect((await connected.endpoints()).restored?.map((r) => r.url)).toEqual([first.url, second.url]);
    }
    expect(api.objects('v1', 'Service', NS).filter((s) => String((s.metadata as JsonObject).name).startsWith('kdrill-restore'))).toEqual([]);
  });

  it('a restore beside instances earlier runs kept takes the first NodePort none holds; with every one held it fails naming them and `kdrill cleanup`, creating nothing', async () => {
    await seedKindCluster(api);
    simulate();
    const nodePortService = (name: string, namespace: string, nodePort: number, labels: Record<string, string>) =>
      api.put({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ name: 'postgresql', port: 5432, targetPort: 5432, protocol: 'TCP', nodePort }] } });
    const kept = (name: string, nodePort: number) => nodePortService(name, NS, nodePort, { 'app.kubernetes.io/managed-by': 'kdrill', 'kdrill.dev/run-id': 'run-0', 'kdrill.dev/restore': name });
    kept('kdrill-restore-0a0a0a0a-1', 30434);
    {
      await using connected = await kubernetesBackend.connect(targetOf(), { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
      const result = await connected.act('restore', { from: 'latest', into: 'scratch-instance' }, actx());
      expect(result.url).toBe('postgresql://postgres@127.0.0.1:5435/postgres');
    }
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } });
    kept('kdrill-restore-0a0a0a0a-2', 30435);
    kept('kdrill-restore-0b0b0b0b-1', 30436);
    nodePortService('someone-elses', 'elsewhere', 30437, {});
    {
      await using connected = await kubernetesBackend.connect(targetOf(), { runId: 'run-2', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
      const error = await connected.act('restore', { from: 'latest', into: 'scratch-instance' }, actx()).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'KdrillError', code: 'STEP_FAILED' });
      expect((error as KdrillError).shortMessage).toBe(
        'no NodePort is free for a restored instance: kind-config.yaml maps NodePorts 30434-30437 to 127.0.0.1:5434-5437, and Services hold them all: 30434 kdrill-pg/kdrill-restore-0a0a0a0a-1 (restored by run run-0), 30435 kdrill-pg/kdrill-restore-0a0a0a0a-2 (restored by run run-0), 30436 kdrill-pg/kdrill-restore-0b0b0b0b-1 (restored by run run-0), 30437 elsewhere/someone-elses',
      );
      expect((error as KdrillError).hint).toMatch(/`kdrill cleanup` removes restored instances kept with --keep-restored/);
      expect((await connected.endpoints()).restored).toBeUndefined();
    }
    expect(api.objects('v1', 'Pod', NS).filter((p) => String((p.metadata as JsonObject).name).startsWith('kdrill-restore'))).toEqual([]);
  });

  it('the test API server, as the real one, refuses a Service a nodePort another Service holds, in any namespace', async () => {
    const { client } = await seedKindCluster(api);
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } });
    const service = (name: string, nodePort: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'elsewhere' }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 5432, nodePort }] } });
    const error = await client.create(service('taken', 30432)).catch((e: unknown) => e);
    expect((error as Error).message).toContain('Service "taken" is invalid: spec.ports[0].nodePort: Invalid value: 30432: provided port is already allocated');
    await client.create(service('free', 30499));
    await client.apply(service('free', 30499));
  });

  it('a backup pgBackRest cannot restore fails the drill with its words, and the pod is still removed', async () => {
    await seedKindCluster(api);
    simulate({ fail: 'P00  ERROR: [039]: FormatError: lz4 decompress error: ERROR_frameType_unknown' });
    {
      await using connected = await kubernetesBackend.connect(targetOf(), { runId: 'run-1', runDir: dir, journal: new MemoryJournal(), signal: new AbortController().signal, log: () => {} });
      const error = await connected.act('restore', { from: 'latest', into: 'scratch-instance' }, actx()).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'RestoreFailed', code: 'RECOVERY_FAILED' });
      expect((error as Error).message).toMatch(/pgBackRest could not restore backup 20261124-120000F: .*FormatError: lz4 decompress error/);
    }
    expect(api.objects('v1', 'Pod', NS).filter((p) => (p.metadata as JsonObject).name !== undefined && String((p.metadata as JsonObject).name).startsWith('kdrill-restore'))).toEqual([]);
  });
});
