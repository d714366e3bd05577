import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { loadLedger } from '../../harness/load/ledger/file.js';
import { OUTCOMES } from '../../harness/model/writes.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { measured, runDrillCli, type EntryOf } from '../helpers/drill-results.js';
import { localBackendUnavailable, privateHome } from '../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();
const ACKED = OUTCOMES.indexOf('acked');

describe.skipIf(unavailable)(`the etcd restore drill${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 420_000 }, () => {
  it('scenarios/quarterly/etcd-restore.yaml: quorum lost, etcd rebuilt from its snapshot, Patroni state back, writes resume with the RTO and RPO measured', async () => {
    await using _home = await privateHome();
    await using dir = await tempDir();
    const runDir = path.join(dir.path, 'run');
    const drill = await runDrillCli(dir.path, path.join(REPO_ROOT, 'scenarios/quarterly/etcd-restore.yaml'), runDir);
    expect(drill.code, drill.stderr).toBe(ExitCode.passed);
    const entries = drill.entries;

    // The fault had an effect first: with etcd out of quorum the primary demoted, so writes
    // failed until etcd was rebuilt.
    const injected = entries.find((e): e is EntryOf<'fault-effective'> => e.kind === 'fault-effective')!; // t0: the harm took effect
    const restoreInvoke = entries.find((e): e is EntryOf<'step-invoke'> => e.kind === 'step-invoke' && e.op === 'action etcd-restore')!;
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
    let failedBeforeRestore = 0;
    ledger.forEach((_id, sentAt, _end, outcome) => {
      if (sentAt > injected.at && sentAt < restoreInvoke.at && outcome !== ACKED) failedBeforeRestore++;
    });
    expect(failedBeforeRestore).toBeGreaterThan(0);
    expect(measured(entries, 'time-to-impact')?.value).toBeGreaterThan(0);

    const restore = entries.find((e): e is EntryOf<'step-complete'> => e.kind === 'step-complete' && e.step === restoreInvoke.step)!;
    expect(restore.outcome).toBe('ok');
    const detail = restore.detail as { patroniKeysInSnapshot: number; keysAfter: string[]; members: string[] };
    // The default DCS speaks etcd's v2 API, whose store a snapshot does not hold: Patroni
    // wrote its state again.
    expect(detail.patroniKeysInSnapshot).toBe(0);
    expect(detail.keysAfter).toEqual(expect.arrayContaining(['leader', 'initialize', 'config', ...detail.members.map((m) => `members/${m}`)]));

    const rto = measured(entries, 'rto')!;
    const rpo = measured(entries, 'rpo')!;
    expect(rto.value).toBeGreaterThan(restoreInvoke.at - injected.at);
    expect(rpo.value).toBe(0);
    expect(measured(entries, 'lost-writes')?.value).toBe(0);
    const verdicts = Object.fromEntries(entries.filter((e): e is EntryOf<'verification'> => e.kind === 'verification').map((e) => [e.verify, e.verdict]));
    expect(verdicts).toEqual({ 'ledger-readback': 'pass', 'replica-consistency': 'pass' });
  });
});
