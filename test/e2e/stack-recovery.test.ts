import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../harness/backends/local/exec.js';
import { listNetns } from '../../harness/backends/local/network/index.js';
import { loadState } from '../../harness/backends/local/state.js';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { loadLedger } from '../../harness/load/ledger/file.js';
import { OUTCOMES } from '../../harness/model/writes.js';
import { chromiumUnavailable, renderInChromium } from '../helpers/chromium.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { ledgerIds, measured, restoredPrefix, runDrillCli, stepEntries, verdicts, type EntryOf } from '../helpers/drill-results.js';
import { localBackendUnavailable, privateHome, startTestCluster } from '../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();
const ACKED = OUTCOMES.indexOf('acked');

describe.skipIf(unavailable)(`the stack recovery drill${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 600_000 }, () => {
  it('scenarios/quarterly/stack-recovery.yaml: every node and its data lost, the cluster rebuilt from backup in fresh namespaces, data matching the ledger up to the recovery point', async () => {
    await using _home = await privateHome();
    // A standing cluster with the scenario's settings: the run loses and rebuilds it, and it
    // stays for the independent check below.
    await using cluster = await startTestCluster({ profile: 'default' });
    await using dir = await tempDir();
    // A mark in each node's namespace: a namespace built again does not have it.
    for (const node of cluster.plan.nodes) await run('ip', ['-n', node.netns, 'link', 'add', 'mark0', 'type', 'bridge']);
    const runDir = path.join(dir.path, 'run');
    const drill = await runDrillCli(dir.path, path.join(REPO_ROOT, 'scenarios/quarterly/stack-recovery.yaml'), runDir);
    expect(drill.code, drill.stderr).toBe(ExitCode.passed);
    const entries = drill.entries;
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));

    // The fault had an effect first: from t0 until the rebuild began nothing acknowledged a write.
    const t0 = entries.find((e): e is EntryOf<'fault-effective'> => e.kind === 'fault-effective')!.at; // t0: the harm took effect
    const backup = stepEntries(entries, 'action backup');
    const restore = stepEntries(entries, 'action restore');
    let ackedWhileLost = 0;
    ledger.forEach((_id, _sentAt, endAt, outcome) => {
      if (outcome === ACKED && endAt > t0 + 50 && endAt < restore.invoke.at) ackedWhileLost++;
    });
    expect(ackedWhileLost).toBe(0);
    expect(measured(entries, 'downtime')?.value).toBeGreaterThan(0);

    expect(restore.complete.outcome).toBe('ok');
    const detail = restore.complete.detail as { into: string; backup: { label: string }; leader: string; nodes: string[]; timeline: number };
    expect(detail).toMatchObject({ into: 'fresh-cluster', backup: { label: (backup.complete.detail as { label: string }).label }, nodes: ['a-1', 'b-1', 'c-1'] });
    expect(detail.timeline).toBeGreaterThan(1); // promoted after replaying the archive
    expect(verdicts(entries)).toEqual({ 'ledger-readback': 'pass', 'seeded-checksum': 'pass', amcheck: 'pass', 'replica-consistency': 'pass', 'restore-writable': 'pass' });

    // Independently of kdrill's read-back: the ids in the rebuilt cluster against the ledger.
    const state = (await loadState(cluster.state.dir))!;
    expect(state.lost).toBeUndefined();
    const present = await ledgerIds(cluster.serviceTarget('kdrill'));
    const found = restoredPrefix(present, ledger, backup.complete.at, restore.invoke.at);
    expect(found.phantoms).toBe(0);
    expect(found.holes).toBe(0); // a clean prefix up to the recovery point
    expect(found.lostAfterHorizon).toBe(0); // and the rebuilt cluster kept every write it acknowledged
    expect(found.afterBackup).toBeGreaterThan(0); // writes after the backup came back through the archived WAL
    const recoveryPoint = found.recoveryPoint;

    const rpo = measured(entries, 'rpo')!;
    const rto = measured(entries, 'rto')!;
    expect(rpo.value).toBeCloseTo(Math.max(0, t0 - recoveryPoint), 1);
    // RTO as the clients saw it: from the loss until writes succeeded again on the rebuilt cluster.
    expect(rto.value!).toBeGreaterThanOrEqual(restore.invoke.at - t0);
    expect(rto.value!).toBeLessThan(restore.complete.at - t0 + 30_000);

    // The game-day report as a reader opens it, in headless Chromium: no console error, the
    // verdict on top, the targets judged, and the chart drawn with the fault and milestones.
    expect(chromiumUnavailable()).toBeUndefined();
    const page = await renderInChromium(path.join(runDir, 'report.html'), path.join(runDir, 'report.png'));
    expect(page.consoleErrors).toEqual([]);
    expect(page.verdict).toBe('PASSED');
    expect(page.targets.map((t) => [t.name, t.verdict])).toEqual([['RTO', 'met'], ['RPO', 'met'], ['steady state after', 'met']]);
    for (const t of page.targets) expect(t.height).toBeGreaterThan(0);
    expect(page.chart.width).toBeGreaterThan(500);
    expect(page.chart.height).toBeGreaterThan(100);
    expect(page.chart.points).toBeGreaterThan(60); // a point per second of load
    expect(page.chart.faultWindows).toBe(1);
    expect(page.chart.milestones.map((m) => m.split(' at ')[0])).toEqual(expect.arrayContaining(['fault', 'impact', 'service restored', 'redundancy restored']));

    // The nodes live in namespaces built again (same names, new namespaces), and go with the cluster.
    for (const node of cluster.plan.nodes) {
      const links = (await run('ip', ['-n', node.netns, '-o', 'link', 'show'])).stdout;
      expect(links, node.netns).toContain('eth0');
      expect(links, node.netns).not.toContain('mark0');
    }
    expect((await cluster.observe()).healthy).toBe(true);
    await cluster[Symbol.asyncDispose]();
    expect((await listNetns()).filter((ns) => ns.includes(state.clusterId))).toEqual([]);
  });
});
