import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listNetns } from '../../harness/backends/local/network/index.js';
import { scratchTarget } from '../../harness/backends/local/restore/scratch.js';
import { loadState } from '../../harness/backends/local/state.js';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { loadLedger } from '../../harness/load/ledger/file.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { ledgerIds, measured, restoredPrefix, runDrillCli, stepEntries, verdicts, type EntryOf } from '../helpers/drill-results.js';
import { localDrillYaml } from '../helpers/local-drill-yaml.js';
import { localBackendUnavailable, privateHome, startTestCluster } from '../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

describe.skipIf(unavailable)(`restore drills on the local backend${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 420_000 }, () => {
  it('scenarios/monthly/restore-check.yaml: the restored copy holds every acknowledged write up to its recovery point, with the RTO and RPO measured', async () => {
    await using _home = await privateHome();
    // A standing cluster with the scenario's settings: the run uses it, and --keep-restored
    // leaves the restored instance for the independent check below (the cluster's removal
    // takes it along).
    await using cluster = await startTestCluster({ profile: 'default' });
    await using dir = await tempDir();
    const runDir = path.join(dir.path, 'run');
    const drill = await runDrillCli(dir.path, path.join(REPO_ROOT, 'scenarios/monthly/restore-check.yaml'), runDir, ['--keep-restored']);
    expect(drill.code, drill.stderr).toBe(ExitCode.passed);
    const entries = drill.entries;

    const backup = stepEntries(entries, 'action backup');
    const restore = stepEntries(entries, 'action restore');
    expect(backup.complete.outcome).toBe('ok');
    expect(restore.complete.outcome).toBe('ok');
    // The scheduled incrementals ran during the pause, each on the full.
    const full = (backup.complete.detail as { label: string }).label;
    const incrementals = entries.filter((e): e is EntryOf<'action-repeat'> => e.kind === 'action-repeat');
    expect(incrementals.length).toBeGreaterThanOrEqual(2);
    for (const r of incrementals) expect(r).toMatchObject({ outcome: 'ok', detail: { type: 'incr' } });
    const detail = restore.complete.detail as { name: string; backup: { label: string; type: string }; restoredBytes: number; restoreMiBps: number; timeline: number };
    // The newest backup was restored: an incremental on the full, at least as new as the
    // newest that had finished when the restore began (one still running then may finish
    // first and be chosen, or not).
    const labels = incrementals.map((r) => (r.detail as { label: string }).label);
    const restoredIndex = labels.indexOf(detail.backup.label);
    expect(restoredIndex, `${detail.backup.label} among ${labels.join(', ')}`).toBeGreaterThanOrEqual(0);
    expect(restoredIndex + 1).toBeGreaterThanOrEqual(incrementals.filter((r) => r.at < restore.invoke.at).length);
    expect(detail.backup).toMatchObject({ type: 'incr' });
    expect(detail.backup.label.startsWith(full)).toBe(true);
    expect(detail.restoredBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(detail.restoreMiBps).toBeGreaterThan(0);
    expect(verdicts(entries)).toEqual({ 'ledger-readback': 'pass', 'seeded-checksum': 'pass', amcheck: 'pass', 'restore-writable': 'pass', retention: 'pass' });

    // Independently of kdrill's read-back: the ids in the restored instance, against the
    // ledger the run saved.
    const state = (await loadState(cluster.state.dir))!;
    expect(Object.keys(state.restores ?? {})).toEqual([detail.name]);
    const present = await ledgerIds({ ...scratchTarget(state, detail.name), database: 'kdrill' });
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
    const found = restoredPrefix(present, ledger, backup.complete.at);
    expect(found.phantoms).toBe(0);
    // A clean prefix: every write acknowledged before the newest present one was sent is there.
    expect(found.holes).toBe(0);
    // Writes after the backup came back through the archived WAL, not only the backup.
    expect(found.afterBackup).toBeGreaterThan(0);
    const recoveryPoint = found.recoveryPoint;

    const rpo = measured(entries, 'rpo')!;
    const rto = measured(entries, 'rto')!;
    // 0 when WAL archived while the restore ran (a scheduled backup's end switches segments)
    // brought writes acknowledged after the decision.
    expect(rpo.value).toBeCloseTo(Math.max(0, restore.invoke.at - recoveryPoint), 1);
    expect(rto.value!).toBeGreaterThanOrEqual(restore.complete.at - restore.invoke.at);
    expect(rto.why).toMatch(/^restore: /);

    // Removing the cluster removes the instance the run kept, though the run recorded it.
    await cluster[Symbol.asyncDispose]();
    expect((await listNetns()).filter((ns) => ns.includes(state.clusterId))).toEqual([]);
  });

  it('a damaged backup fails the restore check with pgBackRest\'s evidence: integrity-failed, not a pass and not a crash', async () => {
    await using _home = await privateHome();
    await using dir = await tempDir();
    const file = await dir.write(
      'corrupt.yaml',
      localDrillYaml({
        name: 'corrupt-backup',
        tier: 'tier1',
        load: '{ driver: ledger, rate: 100, concurrency: 2, warmUp: 3s }',
        steps: `  - action: backup
    type: full
  - fault: backup-corruption
    name: rot
  - action: restore
    from: latest`,
        rest: `verifications:
  - verify: ledger-readback
  - verify: restore-writable`,
      }),
    );
    const runDir = path.join(dir.path, 'run');
    const drill = await runDrillCli(dir.path, file, runDir);
    expect(drill.code, drill.stderr).toBe(ExitCode.integrityFailed);
    const entries = drill.entries;
    const restore = stepEntries(entries, 'action restore');
    expect(restore.complete.outcome).toBe('fail');
    expect(restore.complete.error?.code).toBe('RECOVERY_FAILED');
    const writable = entries.find((e): e is EntryOf<'verification'> => e.kind === 'verification' && e.verify === 'restore-writable')!;
    expect(writable.verdict).toBe('fail');
    expect(writable.summary).toMatch(/pgBackRest could not restore backup .*(FormatError|lz4|checksum)/i);
    expect(verdicts(entries)['ledger-readback']).toBe('unknown');
    expect(measured(entries, 'rto')?.value).toBeUndefined();
    const end = entries.findLast((e): e is EntryOf<'run-end'> => e.kind === 'run-end')!;
    expect(end.status).toBe('integrity-failed');
    // The damage was undone: the fault was reverted like any other.
    expect(entries.some((e) => e.kind === 'fault-reverted' && e.fault.endsWith('rot'))).toBe(true);
  });
  it('scenarios/monthly/tier2-restore-check.yaml: a light load, loopback mode; the nightly backup comes back whole, its RPO measured, and the restored instance is removed', async () => {
    await using home = await privateHome();
    await using dir = await tempDir();
    const runDir = path.join(dir.path, 'run');
    const drill = await runDrillCli(dir.path, path.join(REPO_ROOT, 'scenarios/monthly/tier2-restore-check.yaml'), runDir);
    expect(drill.code, drill.stderr).toBe(ExitCode.passed);
    const entries = drill.entries;
    const restore = stepEntries(entries, 'action restore');
    const detail = restore.complete.detail as { into: string; backup: { label: string }; timeline: number };
    expect(detail).toMatchObject({ into: 'scratch-instance', backup: { label: (stepEntries(entries, 'action backup').complete.detail as { label: string }).label } });
    expect(detail.timeline).toBeGreaterThan(1);
    expect(verdicts(entries)).toEqual({ 'seeded-checksum': 'pass', amcheck: 'pass', 'restore-writable': 'pass', retention: 'pass' });
    // The light load's writes give the restore a recovery point: its RPO is measured (a
    // recovery point nobody measured would not be a met target) and within tier2's 24 h.
    expect(measured(entries, 'rpo')?.value).toBeGreaterThanOrEqual(0);
    expect(measured(entries, 'rpo')?.value).toBeLessThan(24 * 3_600_000);
    expect(measured(entries, 'lost-writes')?.value).toBeGreaterThanOrEqual(0);
    expect(measured(entries, 'rto')?.value).toBeGreaterThanOrEqual(restore.complete.at - restore.invoke.at);
    // The run's own cluster went with the run, its restored instance first.
    expect(await readdir(path.join(home.path, 'clusters')).catch(() => [])).toEqual([]);
  });
});
