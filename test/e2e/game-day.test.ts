import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { measured, runDrillCli, type EntryOf } from '../helpers/drill-results.js';
import { localBackendUnavailable, privateHome } from '../helpers/local-cluster.js';

const unavailable = await localBackendUnavailable();

// The shipped annual game day, run as a CI rehearsal: no facilitator answers, so each
// checkpoint holds for its rehearsal time and the faults between checkpoints take effect.
describe.skipIf(unavailable)(`the annual game day without a facilitator${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('scenarios/annual/game-day.yaml holds each fault for the rehearsal time and measures each outage in its own window', { timeout: 900_000 }, async () => {
    await using home = await privateHome();
    void home;
    await using dir = await tempDir();
    const runDir = path.join(dir.path, 'run');
    const drill = await runDrillCli(dir.path, path.join(REPO_ROOT, 'scenarios/annual/game-day.yaml'), runDir);
    const entries = drill.entries;
    const facts = `${drill.stderr.slice(-4000)}\n${JSON.stringify(entries.filter((e) => e.kind === 'measurement' && e.name === 'rto'))}`;
    expect([ExitCode.passed, ExitCode.targetsMissed], facts).toContain(drill.code);
    // Every checkpoint was held for its rehearsal time, not skipped.
    const checkpoints = entries.filter((e): e is EntryOf<'checkpoint'> => e.kind === 'checkpoint');
    expect(checkpoints.length).toBe(5);
    expect(checkpoints.filter((c) => c.observation?.startsWith('no facilitator: held for the rehearsal time')).length, facts).toBe(3);
    // Each fault was in effect for the minute its checkpoint held, from its harm to its revert.
    const faults = ['s2-freeze-primary', 's7-partition-primary-zone'];
    for (const fault of faults) {
      const effective = entries.find((e) => e.kind === 'fault-effective' && e.fault === fault)?.at;
      const reverting = entries.find((e) => e.kind === 'fault-reverting' && e.fault === fault)?.at;
      expect(reverting! - effective!, `${fault}: ${facts}`).toBeGreaterThanOrEqual(60_000);
      // Each disrupted clients, and its outage was measured on its own: well under the
      // 25-minute gap the old single window would have reported.
      expect(measured(entries, 'time-to-impact', fault)?.value, `${fault}: ${facts}`).toBeGreaterThanOrEqual(0);
      const rto = measured(entries, 'rto', fault)?.value;
      expect(rto, `${fault}: ${facts}`).toBeGreaterThan(0);
      expect(rto!, `${fault}: ${facts}`).toBeLessThan(reverting! - effective! + 60_000);
    }
    // The run's RTO is the worse of the two, and names it.
    const own = faults.map((f) => measured(entries, 'rto', f)!.value!);
    const run = measured(entries, 'rto');
    expect(run?.value).toBe(Math.max(...own));
    expect((run?.evidence as { fault: string }).fault).toBe(faults[own.indexOf(Math.max(...own))]);
  });
});
