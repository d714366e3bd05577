import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { parseJournal } from '../../harness/journal/index.js';
import { processesUnder } from '../../harness/backends/local/processes/find.js';
import { REPO_ROOT, spawnCli } from '../helpers/cli.js';
import { localBackendUnavailable } from '../helpers/local-cluster.js';

// Runs as root, then drops to `nobody` to show what an unprivileged user gets.
function unprivilegedUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run the drill as nobody';
  const probe = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'unshare', '--map-current-user', '--keep-caps', '--net', '--mount', 'true']);
  return probe.status === 0 ? undefined : 'unprivileged user namespaces are not allowed here';
}
const unavailable = (await localBackendUnavailable()) ?? unprivilegedUnavailable();
const NOBODY = { uid: 65534, gid: 65534 };

describe.skipIf(unavailable)(`the local backend without root${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 240_000 }, () => {
  it('builds the full namespace topology inside a user namespace, runs a partition drill and leaves nothing behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kdrill-userns-'));
    try {
      await chmod(dir, 0o755);
      await chown(dir, NOBODY.uid, NOBODY.gid);
      const file = path.join(dir, 'drill.yaml');
      await writeFile(file, `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: userns-e2e
tier:
  name: tier1
target:
  backend: local
  topology: ${path.join(REPO_ROOT, 'fixtures/topologies/three-zones.yaml')}
  patroni:
    profile: fast
load:
  driver: none
steps:
  - fault: zone-partition
    name: cut-a
    zone: a
    duration: 5s
  - wait: redundancy-restored
    timeout: 120s
`);
      const home = path.join(dir, 'home');
      const runDir = path.join(dir, 'run');
      const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir, { ...NOBODY, env: { HOME: dir, KDRILL_HOME: home } });
      // Without a load nothing can measure the RPO, so the drill ends with its targets not
      // measured (exit 3): this test is about the namespaces, the fault and the cleanup.
      expect(await child.exited, child.output().stdout + child.output().stderr).toBe(ExitCode.targetsMissed);
      const entries = parseJournal(await readFile(path.join(runDir, 'journal.jsonl'), 'utf8')).entries;
      expect(entries.findLast((e) => e.kind === 'measurement' && e.name === 'rpo' && !e.fault)).toMatchObject({ why: expect.stringContaining('no ledger load') });
      // A network fault really ran: its router rules were armed and reverted.
      expect(entries.find((e) => e.kind === 'fault-armed')).toMatchObject({ revert: { type: 'zone-partition', data: { rules: [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }, { from: 'a', to: 'c' }, { from: 'c', to: 'a' }] } } });
      expect(entries.filter((e) => e.kind === 'fault-reverted')).toHaveLength(1);
      expect(existsSync(path.join(home, 'clusters')) ? await readdir(path.join(home, 'clusters')) : []).toEqual([]);
      expect(await processesUnder(home)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
