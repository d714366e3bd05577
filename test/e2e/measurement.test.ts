import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgDir } from '../../harness/backends/local/cluster/start.js';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { loadLedger } from '../../harness/load/ledger/file.js';
import { LEDGER_TABLE } from '../../harness/load/ledger-driver/index.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { journalOf, ledgerIds, measured } from '../helpers/drill-results.js';
import { localDrillYaml } from '../helpers/local-drill-yaml.js';
import { localBackendUnavailable, privateHome, startTestCluster } from '../helpers/local-cluster.js';
import { copyDataDir, idsOnOldTimeline } from '../helpers/old-timeline.js';

const unavailable = await localBackendUnavailable();
const scenario = (tier: string, steps: string, rest = '') =>
  localDrillYaml({ name: 'measure-e2e', tier, steps, rest, steadyState: '  interval: 250ms\n  after:\n    - probe: redundancy\n      within: 90s' });

// Asynchronous replication loses what the replicas had not received when the primary died:
// cutting them off first makes that window 3 s long instead of a few milliseconds. (Freezing
// them is not enough: the kernel still receives the WAL into their socket buffers.)
// `rest` follows the crash step's `at` line: its duration, or the next step.
const cutReplicasThenCrashPrimary = (replicas: readonly string[], rest: string) => `  - fault: node-isolation
    name: cut-first
    node: ${replicas[0]}
    duration: 8s
  - fault: node-isolation
    name: cut-second
    node: ${replicas[1]}
    duration: 8s
  - fault: primary-crash
    name: crash
    at: 3s
${rest}`;

describe.skipIf(unavailable)(`RTO, RPO and integrity measured on real drills${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 300_000 }, () => {
  it('tier0 (synchronous): a primary crash loses no acknowledged write and meets its RTO; every verification passes', async () => {
    await using home = await privateHome();
    void home;
    await using dir = await tempDir();
    const file = await dir.write(
      'tier0.yaml',
      scenario(
        'tier0',
        `  - fault: primary-crash
    name: crash
    duration: 15s
  - wait: service-restored
    timeout: 90s`,
        `verifications:
  - verify: ledger-readback
  - verify: seeded-checksum
  - verify: replica-consistency
  - verify: amcheck`,
      ),
    );
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    expect(await child.exited, child.output().stderr).toBe(ExitCode.passed);
    const entries = await journalOf(runDir);
    // The fault had an effect first: clients saw it, and another member became the leader.
    expect(measured(entries, 'time-to-impact')?.value).toBeGreaterThanOrEqual(0);
    expect(measured(entries, 'time-to-new-leader')?.value).toBeGreaterThan(0);
    expect(measured(entries, 'time-to-new-primary')?.value).toBeGreaterThan(0);
    expect(entries.some((e) => e.kind === 'observation' && e.probe === 'write-availability' && !e.ok)).toBe(true);
    // Then the recovery: no acknowledged write lost, RTO measured and within tier0's 15 minutes.
    const result = JSON.parse(await readFile(path.join(runDir, 'result.json'), 'utf8'));
    const targets = Object.fromEntries(result.result.targets.map((t: { name: string }) => [t.name, t]));
    expect(targets['lost-writes']).toMatchObject({ measured: 0, met: true });
    expect(targets['rpo']).toMatchObject({ measured: 0, met: true });
    expect(targets['rto'].met).toBe(true);
    expect(targets['rto'].measured).toBeGreaterThan(1_000);
    for (const verify of ['ledger-readback', 'seeded-checksum', 'replica-consistency', 'amcheck']) expect(result.result.evidence[verify]?.verdict, `${verify}: ${result.result.evidence[verify]?.summary}`).toBe('pass');
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
    expect(ledger.counts().acked).toBeGreaterThan(1_000);
    expect(await readFile(path.join(runDir, 'summary.md'), 'utf8')).toContain('| lost writes | ≤ 0 writes | 0 writes | met |');
  });

  it('tier1 (asynchronous): a primary crash while the replicas lag loses writes, and kdrill counts exactly the acknowledged ones the old primary holds alone', async () => {
    await using home = await privateHome();
    void home;
    // A standing cluster the run reuses, so the test knows the nodes' roles before writing the scenario.
    await using cluster = await startTestCluster();
    const view = await cluster.observe();
    const primary = view.members.find((m) => m.role === 'primary')!.node;
    const replicas = view.members.filter((m) => m.role === 'replica').map((m) => m.node);
    expect(replicas).toHaveLength(2);
    await using dir = await tempDir();
    const file = await dir.write(
      'tier1.yaml',
      scenario(
        'tier1',
        `${cutReplicasThenCrashPrimary(replicas, '    duration: 40s')}
  - wait: service-restored
    timeout: 90s`,
        `verifications:
  - verify: ledger-readback`,
      ),
    );
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    // While the old primary is down (before the revert restarts and rewinds it), keep a copy of its data.
    const dataDir = path.join(pgDir(cluster.state, primary), 'data');
    let copy: ({ path: string } & AsyncDisposable) | undefined;
    const deadline = Date.now() + 120_000;
    while (!copy && Date.now() < deadline) {
      const text = await readFile(path.join(runDir, 'journal.jsonl'), 'utf8').catch(() => '');
      if (text.includes('"kind":"fault-injected","fault":"s3-crash"')) copy = await copyDataDir(dataDir);
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(copy, 'the crash was never injected').toBeDefined();
    await using oldCopy = copy!;
    const code = await child.exited;
    expect([ExitCode.passed, ExitCode.targetsMissed], child.output().stderr).toContain(code);
    const entries = await journalOf(runDir);
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
    // The fault had an effect: a new primary took over.
    expect(measured(entries, 'time-to-new-primary')?.value, child.output().stderr.slice(-3000)).toBeGreaterThan(0);

    const password = cluster.state.credentials.superuser;
    const target = cluster.serviceTarget('kdrill'); // workload.database's default
    const onNewTimeline = await ledgerIds(target);
    const onOldTimeline = await idsOnOldTimeline(oldCopy.path, password, 'kdrill', LEDGER_TABLE);
    const onlyOld = [...onOldTimeline].filter((id) => !onNewTimeline.has(id));
    const independentLost = onlyOld.filter((id) => ledger.outcomeOf(id) === 'acked');
    const lost = measured(entries, 'lost-writes');
    const facts = JSON.stringify({ onlyOld: onlyOld.length, old: onOldTimeline.size, new: onNewTimeline.size, sent: ledger.size, measurements: entries.filter((e) => e.kind === 'measurement').map((e) => e.kind === 'measurement' && `${e.name}=${e.value} (${e.why})`), log: child.output().stderr.slice(-3000) });
    expect(independentLost.length, facts).toBeGreaterThan(0);
    expect(lost?.value).toBe(independentLost.length);
    expect((lost?.evidence as { ids: number[] }).ids).toEqual(independentLost.sort((a, b) => a - b).slice(0, 20));
    // Only one server ever acknowledged writes (the replicas were cut off, not promoted), so
    // none of the lost writes is split-brain: every one was lost by the crash, in its window,
    // and sets its RPO, the interval from t0 minus the oldest acknowledgement to t0 minus the
    // oldest send (docs/measurement.md).
    expect(measured(entries, 'split-brain-writes')?.value, facts).toBe(0);
    expect(measured(entries, 'lost-writes', 's3-crash')?.value, facts).toBe(independentLost.length);
    const t0 = entries.find((e) => e.kind === 'fault-effective' && e.fault === 's3-crash')!.at;
    const rpo = measured(entries, 'rpo');
    expect(rpo?.value, facts).toBeCloseTo(Math.max(0, t0 - Math.min(...independentLost.map((id) => ledger.entry(id).sentAt))), 3);
    expect((rpo?.evidence as { lower: number }).lower, facts).toBeCloseTo(Math.max(0, t0 - Math.min(...independentLost.map((id) => ledger.entry(id).endAt!))), 3);
    expect((rpo?.evidence as { fault: string }).fault).toBe('s3-crash');
  });

  it('abort.dataLoss stops the drill at the first lost acknowledged write, reverts every fault, and still measures the loss', async () => {
    await using home = await privateHome();
    void home;
    await using cluster = await startTestCluster();
    const replicas = (await cluster.observe()).members.filter((m) => m.role === 'replica').map((m) => m.node);
    await using dir = await tempDir();
    const file = await dir.write(
      'data-loss.yaml',
      scenario(
        'tier1',
        `${cutReplicasThenCrashPrimary(replicas, '  - pause: 3m')}`,
        `abort:
  dataLoss: true`,
      ),
    );
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    expect(await child.exited, child.output().stderr.slice(-3000)).toBe(ExitCode.aborted);
    const entries = await journalOf(runDir);
    const abort = entries.find((e) => e.kind === 'abort');
    expect(abort?.kind === 'abort' && abort.reason).toMatch(/^data loss: \d+ acknowledged writes? (is|are) missing/);
    // Stopped long before the 3-minute pause ended, with every fault reverted.
    const end = entries.find((e) => e.kind === 'run-end')!;
    expect(end.at).toBeLessThan(150_000);
    expect(entries.filter((e) => e.kind === 'fault-reverted').map((e) => e.kind === 'fault-reverted' && e.fault).sort()).toEqual(['s1-cut-first', 's2-cut-second', 's3-crash']);
    expect(measured(entries, 'lost-writes')?.value).toBeGreaterThan(0);
    const result = JSON.parse(await readFile(path.join(runDir, 'result.json'), 'utf8'));
    expect(result.result.status).toBe('aborted');
  });
});
