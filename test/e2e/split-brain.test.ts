import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgDir } from '../../harness/backends/local/cluster/start.js';
import { PG_PORT } from '../../harness/backends/local/config/patroni.js';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { withDb, type DbTarget } from '../../harness/db/target.js';
import { loadLedger } from '../../harness/load/ledger/file.js';
import { LEDGER_TABLE } from '../../harness/load/ledger-driver/index.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { journalOf, ledgerIds, measured } from '../helpers/drill-results.js';
import { localDrillYaml } from '../helpers/local-drill-yaml.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../helpers/local-cluster.js';
import { copyDataDir, idsOnOldTimeline } from '../helpers/old-timeline.js';

const unavailable = await localBackendUnavailable();
const DATABASE = 'kdrill'; // workload.database's default

const scenario = (tier: string, dcs: 'etcd' | 'etcd3', steps: string) =>
  localDrillYaml({ name: 'split-brain-e2e', tier, dcs, steps, steadyState: '  interval: 250ms', rest: 'verifications:\n  - verify: ledger-readback\n' });

async function recovering(target: DbTarget): Promise<boolean | undefined> {
  try {
    return (await withDb(target, 2_000, (c) => c.query<{ r: boolean }>('select pg_is_in_recovery() as r'))).rows[0]!.r;
  } catch {
    return undefined;
  }
}

describe.skipIf(unavailable)(`split-brain writes measured on real drills${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 300_000 }, () => {
  it('a partition of the primary zone (asynchronous): the writes the cut-off primary acknowledged are counted as lost, exactly, and split-brain only if two members were writable at once', async () => {
    await using home = await privateHome();
    void home;
    await using cluster = await startTestCluster();
    const old = (await cluster.observe()).primaries[0]!;
    const password = cluster.state.credentials.superuser;
    const direct = (node: string): DbTarget => ({ host: cluster.node(node).address, port: PG_PORT, user: 'postgres', password, database: DATABASE });
    await using dir = await tempDir();
    const file = await dir.write(
      'partition.yaml',
      scenario(
        'tier1',
        'etcd',
        `  - fault: zone-partition
    name: cut-primary-zone
    zone: primary
    duration: 40s
  - wait: service-restored
    timeout: 90s`,
      ),
    );
    const runDir = path.join(dir.path, 'run');
    const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
    // Independently, every 250 ms of the drill: which members are writable (out of recovery).
    const writable: { at: number; members: string[] }[] = [];
    const nodes = cluster.plan.nodes.map((n) => n.name);
    const sampling = (async () => {
      while (child.exitCode === null) {
        const at = Date.now();
        const states = await Promise.all(nodes.map(async (n) => [n, await recovering(direct(n))] as const));
        writable.push({ at, members: states.filter(([, r]) => r === false).map(([n]) => n) });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    // Independently: once the cut-off primary has demoted itself, and before the partition
    // heals and it is rewound, take what it holds on its own timeline. Patroni stops its
    // PostgreSQL while the DCS is out of reach, so its data directory is copied (it was shut
    // down cleanly) and started alone, read-only; if it runs as a standby, it is read directly.
    let onOld: Set<number> | undefined;
    let downFor = 0;
    const deadline = Date.now() + 150_000;
    while (!onOld && Date.now() < deadline && child.exitCode === null) {
      const journal = await readFile(path.join(runDir, 'journal.jsonl'), 'utf8').catch(() => '');
      const partitioned = journal.includes('"kind":"fault-injected"') && !journal.includes('"kind":"fault-reverted"');
      const state = partitioned ? await recovering(direct(old)) : false;
      downFor = state === undefined ? downFor + 1 : 0;
      if (state === true) onOld = await ledgerIds(direct(old));
      else if (downFor >= 3) {
        await using copy = await copyDataDir(path.join(pgDir(cluster.state, old), 'data'));
        onOld = await idsOnOldTimeline(copy.path, password, DATABASE, LEDGER_TABLE);
      } else await new Promise((r) => setTimeout(r, 500));
    }
    expect(onOld, 'the cut-off primary was never seen demoted during the partition').toBeDefined();
    const code = await child.exited;
    await sampling;
    expect([ExitCode.passed, ExitCode.targetsMissed], child.output().stderr).toContain(code);
    const entries = await journalOf(runDir);
    const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
    // The fault had an effect: another member became the leader.
    expect(measured(entries, 'time-to-new-leader')?.value).toBeGreaterThan(0);

    const onNew = await ledgerIds(cluster.serviceTarget(DATABASE));
    const lostIndependently = [...onOld!].filter((id) => !onNew.has(id) && ledger.outcomeOf(id) === 'acked').sort((a, b) => a - b);
    const lost = measured(entries, 'lost-writes');
    expect(lost?.value, JSON.stringify(lost)).toBe(lostIndependently.length);
    expect((lost?.evidence as { ids: number[] }).ids).toEqual(lostIndependently.slice(0, 20));
    // Split-brain writes are lost writes acknowledged while another server was also
    // acknowledging. Independently of the ledger's server column: were two members ever
    // writable at once? The sampler below asked every member every 250 ms.
    const start = entries.find((e) => e.kind === 'run-start');
    const wall0 = start?.kind === 'run-start' ? Date.parse(start.wall) - start.at : 0;
    const twoWritable = writable.filter((s) => s.members.length > 1).map((s) => s.at - wall0);
    const split = measured(entries, 'split-brain-writes')?.value;
    if (twoWritable.length === 0) expect(split, `no two members were ever writable at once, yet: ${JSON.stringify(measured(entries, 'split-brain-writes'))}`).toBe(0);
    else expect(split).toBeLessThanOrEqual(lostIndependently.length);
    // Every other lost write sets the partition's RPO: an interval from t0 minus the oldest
    // acknowledgement to t0 minus the oldest send (the commit lies between).
    const t0 = entries.find((e) => e.kind === 'fault-effective')!.at;
    if (split === 0 && lostIndependently.length > 0) {
      const rpo = measured(entries, 'rpo');
      const oldestSent = Math.min(...lostIndependently.map((id) => ledger.entry(id).sentAt));
      const oldestAck = Math.min(...lostIndependently.map((id) => ledger.entry(id).endAt!));
      expect(rpo?.value).toBeCloseTo(Math.max(0, t0 - oldestSent), 3);
      expect((rpo?.evidence as { lower: number }).lower).toBeCloseTo(Math.max(0, t0 - oldestAck), 3);
    }
  });

  // The defect is a race: the demoted old primary must read its own, still stale, etcd member
  // in the moments after the link heals (its rejoining forces an etcd election, during which
  // the stale read and an unconditional write of the leader key both get through). It showed
  // in 6 of 6 runs by hand (shared/LOCAL-CLUSTER.md) and in about half the runs here, so the
  // drill is run up to six times on the same cluster until the race is lost (four were won in
  // a row once, on a machine busy with other tests); a drill where
  // it is won passes with nothing lost, and says so.
  const ATTEMPTS = 6;
  it('known answer: isolating the primary with the etcd3 DCS (Patroni 3.0.2 defect) fails the tier0 drill, and the lost writes agree with what the members held', { timeout: 900_000 }, async () => {
    await using home = await privateHome();
    void home;
    await using cluster = await startTestCluster({ dcs: 'etcd3', synchronous: true });
    const password = cluster.state.credentials.superuser;
    await using dir = await tempDir();
    const file = await dir.write(
      'etcd3.yaml',
      scenario(
        'tier0',
        'etcd3',
        `  - fault: node-isolation
    name: isolate-primary
    node: primary
  - wait: service-restored
    timeout: 90s
  - pause: 20s
  - revert: isolate-primary
  - wait: service-restored
    timeout: 90s
  - pause: 15s`,
      ),
    );
    const attempts: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const runDir = path.join(dir.path, `run-${attempt}`);
      const child = spawnCli(['run', file, '--out', runDir, '--non-interactive'], dir.path);
      // Independently, every second of the drill: the ids each member holds, read straight from
      // it. A history a later election rewinds away takes its rows from every disk, so the rows
      // are collected while they exist.
      const everHeld = new Set<number>();
      const members = cluster.plan.nodes.map((n): DbTarget => ({ host: n.address, port: PG_PORT, user: 'postgres', password, database: DATABASE }));
      const sampling = (async () => {
        // Only once this run's load has started: the table is then new (an earlier attempt's rows are gone).
        const journal = path.join(runDir, 'journal.jsonl');
        while (child.exitCode === null && !(await readFile(journal, 'utf8').catch(() => '')).includes('"kind":"load-start"')) await new Promise((r) => setTimeout(r, 200));
        while (child.exitCode === null) {
          await Promise.all(members.map(async (m) => (await ledgerIds(m, 1_000).catch(() => new Set<number>())).forEach((id) => everHeld.add(id))));
          await new Promise((r) => setTimeout(r, 1_000));
        }
      })();
      const code = await child.exited;
      await sampling;
      const entries = await journalOf(runDir);
      const ledger = await loadLedger(path.join(runDir, 'ledger.bin'));
      // The fault had an effect: a new primary acknowledged writes while the old one was cut off.
      expect(measured(entries, 'time-to-new-primary')?.value, child.output().stderr.slice(-3000)).toBeGreaterThan(0);
      const lost = measured(entries, 'lost-writes');
      if (lost?.value === 0) {
        // The race was won: nothing lost, and the drill says so.
        expect(code, child.output().stderr.slice(-3000)).toBe(ExitCode.passed);
        attempts.push(`attempt ${attempt}: race won, nothing lost`);
        await eventually('the cluster healthy again', () => cluster.observe(), (v) => v.healthy, 120_000);
        continue;
      }

      // The independent answer: acknowledged ids some member held during the drill that the final primary lacks.
      const finalPrimary = await ledgerIds(cluster.serviceTarget(DATABASE));
      const heldElsewhere = new Set([...everHeld].filter((id) => !finalPrimary.has(id) && ledger.outcomeOf(id) === 'acked'));
      const facts = `${attempts.join('; ')}; attempt ${attempt}: exit ${code}; lost ${lost?.value}; held elsewhere ${heldElsewhere.size}; ${child.output().stderr.slice(-2500)}`;
      // The known answer: acknowledged writes were lost, so tier0 (no lost write) is missed.
      expect(lost?.value, facts).toBeGreaterThan(0);
      expect(code, facts).toBe(ExitCode.targetsMissed);
      const result = JSON.parse(await readFile(path.join(runDir, 'result.json'), 'utf8'));
      expect(result.result.status).toBe('targets-missed');
      expect(result.result.targets.find((t: { name: string }) => t.name === 'lost-writes')).toMatchObject({ met: false });
      expect(heldElsewhere.size, facts).toBe(lost?.value);
      return;
    }
    expect.fail(`the defect did not show in ${ATTEMPTS} drills: ${attempts.join('; ')}`);
  });
});
