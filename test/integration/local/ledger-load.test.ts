import { describe, expect, it } from 'vitest';
import { monotonicClock } from '../../../harness/common/monotonic-clock.js';
import { Ledger } from '../../../harness/load/ledger/ledger.js';
import { prepareLedgerTable, startLedgerLoad } from '../../../harness/load/ledger-driver/index.js';
import { OUTCOMES } from '../../../harness/model/writes.js';
import { ledgerIds } from '../../helpers/drill-results.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';

const ACKED = OUTCOMES.indexOf('acked');

const unavailable = await localBackendUnavailable();

describe.skipIf(unavailable)(`ledger load on a real cluster${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 180_000 }, () => {
  it('records every write, keeps writing through a primary crash, and its acknowledged ids are in the table', async () => {
    await using _home = await privateHome();
    await using cluster = await startTestCluster();
    const target = cluster.serviceTarget();
    await prepareLedgerTable(target);
    const ledger = new Ledger();
    const clock = monotonicClock();
    const load = startLedgerLoad({ target, rate: 200, concurrency: 4, writeTimeoutMs: 2_000, clock, ledger });

    await new Promise((r) => setTimeout(r, 2_000));
    const before = ledger.counts();
    expect(before.acked).toBeGreaterThan(250);
    expect(before.failed + before['in-doubt']).toBe(0);

    const old = (await cluster.observe()).primaries[0]!;
    await cluster.crashNode(old);
    const crashedAt = clock.now();
    const ackedElsewhere = async () => {
      let n = 0;
      ledger.forEach((_id, sentAt, _end, outcome, node) => {
        if (sentAt > crashedAt && outcome === ACKED && ledger.nodeNames[node - 1] !== cluster.node(old).address) n++;
      });
      return n;
    };
    await eventually('writes acknowledged by a new primary', ackedElsewhere, (n) => n > 0, 90_000);
    const summary = await load.stop();
    await cluster.startNode(old);

    // The fault had an effect: writes failed or went in doubt while there was no primary.
    expect(summary.failed + summary.inDoubt).toBeGreaterThan(0);
    expect(summary.sent).toBe(ledger.size);
    expect(summary.acked + summary.failed + summary.inDoubt).toBe(summary.sent);
    expect(new Set(ledger.nodeNames).size).toBeGreaterThanOrEqual(2);

    // Asynchronous replication may lose acknowledged writes in a crash (measured in issue 4);
    // everything acknowledged by the new primary, and nothing never sent, is in the table.
    const stored = await ledgerIds(target);
    const newPrimary = (await cluster.observe()).primaries[0]!;
    let missingFromNew = 0;
    ledger.forEach((id, _s, _e, outcome, node) => {
      if (outcome === ACKED && ledger.nodeNames[node - 1] === cluster.node(newPrimary).address && !stored.has(id)) missingFromNew++;
    });
    expect(missingFromNew).toBe(0);
    for (const id of stored) expect(id).toBeLessThanOrEqual(ledger.size);
  });
});
