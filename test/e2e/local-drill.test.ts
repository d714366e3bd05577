import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { listNetns } from '../../harness/backends/local/network/index.js';
import { loadLedger } from '../../harness/load/ledger/file.js';
import { spawnCli, tempDir, waitForOutput } from '../helpers/cli.js';
import { journalOf } from '../helpers/drill-results.js';
import { localDrillYaml } from '../helpers/local-drill-yaml.js';
import { localBackendUnavailable, privateHome } from '../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();
const drill = (steps: string, load = '{ driver: none }') => localDrillYaml({ name: 'local-e2e', tier: 'tier1', steps, load });

// Processes of clusters under `home` (their command lines name its data directories).
async function processesUnder(home: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmdline.includes(home)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe.skipIf(unavailable)(`kdrill run on the local backend${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 240_000 }, () => {
  it('runs a primary crash drill on a cluster it creates, and removes the cluster afterwards', async () => {
    await using home = await privateHome();
    await using dir = await tempDir();
    const file = await dir.write('crash.yaml', drill(`  - fault: primary-crash
    name: crash
    duration: 20s
  - wait: leader-elected
    timeout: 60s
  - wait: service-restored
    timeout: 60s
  - wait: redundancy-restored
    timeout: 120s
`, '{ driver: ledger, rate: 100, concurrency: 2, warmUp: 2s }'));
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    expect(await child.exited, child.output().stderr).toBe(ExitCode.passed);
    const entries = await journalOf(runDir);
    // The fault had an effect before recovery: the leader observation was false first, then true.
    const leader = entries.filter((e) => e.kind === 'observation' && e.probe === 'leader-elected').map((e) => e.kind === 'observation' && e.ok);
    expect(leader[0]).toBe(false);
    expect(leader.at(-1)).toBe(true);
    const armed = entries.find((e) => e.kind === 'fault-armed');
    expect(armed).toMatchObject({ revert: { backend: 'local', type: 'primary-crash' } });
    expect(entries.filter((e) => e.kind === 'fault-reverted')).toHaveLength(1);
    // The ledger load ran through the drill and its ledger sits beside the journal.
    const stop = entries.find((e) => e.kind === 'load-stop');
    expect(stop).toMatchObject({ ledger: 'ledger.bin', summary: { driver: 'ledger' } });
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
    const summary = stop?.kind === 'load-stop' ? stop.summary : undefined;
    expect(ledger.size).toBe(summary?.sent);
    expect(ledger.counts().acked).toBe(summary?.acked);
    expect(summary!.acked).toBeGreaterThan(100);
    // The run created its cluster and removed it.
    expect(existsSync(path.join(home.path, 'clusters')) ? await readdir(path.join(home.path, 'clusters')) : []).toEqual([]);
    const clusterId = String(armed?.kind === 'fault-armed' ? armed.revert.data['clusterId'] : '');
    expect(clusterId).toMatch(/^[0-9a-f]{4}$/);
    expect((await listNetns()).filter((n) => n.startsWith(`kdrill-${clusterId}-`))).toEqual([]);
    expect(await processesUnder(home.path)).toEqual([]);
  });

  it('after the harness is killed mid-fault, kdrill cleanup heals and removes what it left: no namespace, process or data directory', async () => {
    await using home = await privateHome();
    await using dir = await tempDir();
    const file = await dir.write('outage.yaml', drill(`  - fault: zone-outage
    name: lose-zone-b
    zone: b
  - fault: zone-partition
    name: cut-zone-c
    zone: c
  - pause: 5m
`));
    const runDir = path.join(dir.path, 'reports', 'killed');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    await waitForOutput(child, (o) => o.stderr.includes('pause 5m'), 180_000);
    const [state] = await readdir(path.join(home.path, 'clusters'));
    const clusterId = state!;
    // The faults are in effect: zone b's node has no processes left.
    expect(await listNetns()).toContain(`kdrill-${clusterId}-b-1`);
    child.kill('SIGKILL');
    expect(await child.exited).toBe(null);
    expect((await listNetns()).filter((n) => n.startsWith(`kdrill-${clusterId}-`)).length).toBeGreaterThan(0);
    expect((await processesUnder(home.path)).length).toBeGreaterThan(0);

    const cleanup = spawnCli(['cleanup', '--reports', path.join(dir.path, 'reports')], dir.path);
    expect(await cleanup.exited, cleanup.output().stdout + cleanup.output().stderr).toBe(ExitCode.passed);
    const out = cleanup.output().stdout;
    expect(out).toContain('2 faults left armed: s1-lose-zone-b, s2-cut-zone-c');
    expect(out).toContain(`removed cluster ${clusterId}, left by a run that is gone`);
    const entries = await journalOf(runDir);
    expect(entries.filter((e) => e.kind === 'fault-reverted' && e.reason === 'cleanup').map((e) => e.kind === 'fault-reverted' && e.fault)).toEqual(['s2-cut-zone-c', 's1-lose-zone-b']);
    expect((await listNetns()).filter((n) => n.startsWith(`kdrill-${clusterId}-`))).toEqual([]);
    expect(await processesUnder(home.path)).toEqual([]);
    expect(existsSync(path.join(home.path, 'clusters', clusterId))).toBe(false);
  });
});
