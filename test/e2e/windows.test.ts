import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { loadLedger } from '../../harness/load/ledger/file.js';
import type { JournalEntry } from '../../harness/journal/entries.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { journalOf, measured, type EntryOf } from '../helpers/drill-results.js';
import { localDrillYaml } from '../helpers/local-drill-yaml.js';
import { localBackendUnavailable, privateHome } from '../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

// The journal's own record of when each fault took effect and when its revert began: the
// freeze lasted from the one to the other (SIGSTOP of every process, then SIGCONT).
const at = (entries: readonly JournalEntry[], kind: 'fault-effective' | 'fault-reverting', fault: string) => (entries.find((e) => e.kind === kind && e.fault === fault) as EntryOf<typeof kind> | undefined)?.at;
const targetsOf = async (runDir: string): Promise<Record<string, { status: string; measured?: number; fault?: string }>> =>
  Object.fromEntries(JSON.parse(await readFile(path.join(runDir, 'result.json'), 'utf8')).result.targets.map((t: { name: string; fault?: string }) => [t.fault ? `${t.name}:${t.fault}` : t.name, t]));

// A replica frozen for 3 s under asynchronous replication: the primary does not wait for it,
// so clients see nothing.
const replicaFreeze = (expect: string) => `  - fault: node-freeze
    name: replica-freeze
    node: replica
    duration: 3s
${expect}  - pause: 8s
`;

describe.skipIf(unavailable)(`each fault measured in its own window, on real drills${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 240_000 }, () => {
  it('two faults, the first without client effect and the second a primary freeze of 5 s: the second\'s RTO is 5 s, and so is the run\'s', async () => {
    await using home = await privateHome();
    void home;
    await using dir = await tempDir();
    const file = await dir.write(
      'two-faults.yaml',
      localDrillYaml({
        name: 'two-faults-e2e',
        tier: 'tier1',
        // Clients that wait out a 5 s stall (a 10 s statement timeout): their writes hang
        // through the freeze and resume at the thaw, so the outage they see is the freeze.
        load: '{ driver: ledger, rate: 200, concurrency: 4, warmUp: 3s, writeTimeout: 10s }',
        steps: `${replicaFreeze('    expect: no-impact\n')}  - fault: node-freeze
    name: primary-freeze
    node: primary
    duration: 5s
  - wait: service-restored
    timeout: 60s
`,
      }),
    );
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    const code = await child.exited;
    const entries = await journalOf(runDir);
    const facts = `${child.output().stderr.slice(-3000)}\n${JSON.stringify(entries.filter((e) => e.kind === 'measurement' && e.name === 'rto'))}`;
    // The second fault had an effect: the writes in flight hung through the freeze (the
    // ledger's own record: some took over 4.5 s to be acknowledged).
    expect(measured(entries, 'time-to-impact', 's3-primary-freeze')?.value, facts).toBeGreaterThanOrEqual(0);
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
    let hung = 0;
    ledger.forEach((_id, sentAt, endAt) => {
      if (endAt - sentAt > 4_500) hung++;
    });
    expect(hung, facts).toBeGreaterThan(0);
    // The first did not, and said so: its window is not exercised and its own target is met.
    expect(measured(entries, 'rto', 's1-replica-freeze'), facts).toMatchObject({ notExercised: true });
    const freezeMs = at(entries, 'fault-reverting', 's3-primary-freeze')! - at(entries, 'fault-effective', 's3-primary-freeze')!;
    expect(Math.abs(freezeMs - 5_000), facts).toBeLessThan(50); // the freeze itself, as journalled
    const own = measured(entries, 'rto', 's3-primary-freeze')?.value;
    expect(Math.abs(own! - 5_000), facts).toBeLessThanOrEqual(100);
    expect(measured(entries, 'rto')?.value, facts).toBe(own);
    expect((measured(entries, 'rto')?.evidence as { fault?: string }).fault).toBe('s3-primary-freeze');
    const targets = await targetsOf(runDir);
    expect(targets['no-impact:s1-replica-freeze'], facts).toMatchObject({ status: 'met' });
    expect(targets['rto'], facts).toMatchObject({ status: 'met', measured: own });
    expect(code, facts).toBe(ExitCode.passed);
  });

  it('a drill whose only fault disrupted nothing does not pass: its RTO was not exercised', async () => {
    await using home = await privateHome();
    void home;
    await using dir = await tempDir();
    const file = await dir.write('harmless.yaml', localDrillYaml({ name: 'harmless-e2e', tier: 'tier1', steps: replicaFreeze('') }));
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    const code = await child.exited;
    const entries = await journalOf(runDir);
    // The fault was in effect (the replica's processes were stopped for 3 s), clients saw nothing.
    expect(at(entries, 'fault-reverting', 's1-replica-freeze')! - at(entries, 'fault-effective', 's1-replica-freeze')!).toBeGreaterThanOrEqual(3_000);
    expect(measured(entries, 'rto', 's1-replica-freeze'), child.output().stderr).toMatchObject({ notExercised: true });
    expect((await targetsOf(runDir))['rto']).toMatchObject({ status: 'not-exercised' });
    expect(code, child.output().stderr).toBe(ExitCode.targetsMissed);
    expect(await readFile(path.join(runDir, 'summary.md'), 'utf8')).toContain('not proven: RTO not exercised');
  });

  it('a tier0 drill under pgbench does not pass while its RPO is unmeasured, and says why', async () => {
    await using home = await privateHome();
    void home;
    await using dir = await tempDir();
    const file = await dir.write(
      'pgbench.yaml',
      localDrillYaml({
        name: 'pgbench-e2e',
        tier: 'tier0',
        load: '{ driver: pgbench, rate: 100, concurrency: 2, warmUp: 3s }',
        steps: `  - fault: primary-crash
    name: crash
    duration: 10s
  - wait: service-restored
    timeout: 60s
`,
      }),
    );
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    const code = await child.exited;
    const { stderr } = child.output();
    // Validation warned before anything ran; the crash interrupted the write probe.
    expect(stderr).toMatch(/warning: `load\.driver` is "pgbench", which keeps no per-write ledger/);
    const entries = await journalOf(runDir);
    expect(entries.some((e) => e.kind === 'observation' && e.probe === 'write-availability' && !e.ok), stderr).toBe(true);
    const targets = await targetsOf(runDir);
    expect(targets['rpo'], stderr).toMatchObject({ status: 'not-measured' });
    expect(targets['lost-writes']).toMatchObject({ status: 'not-measured' });
    expect(code, stderr).toBe(ExitCode.targetsMissed);
    expect(await readFile(path.join(runDir, 'summary.md'), 'utf8')).toContain('RPO not measured');
  });
});
