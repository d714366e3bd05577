import { describe, expect, it } from 'vitest';
import { monotonicClock } from '../../../../harness/common/monotonic-clock.js';
import { Ledger } from '../../../../harness/load/ledger/ledger.js';
import { startLedgerLoad } from '../../../../harness/load/ledger-driver/index.js';
import { startFakePostgres, type WriteAnswer } from '../../../helpers/fake-postgres.js';

async function runAgainst(answer: WriteAnswer, ms: number) {
  await using server = await startFakePostgres(answer);
  const ledger = new Ledger();
  const target = { host: '127.0.0.1', port: server.port, user: 'kdrill', password: 'unused', database: 'kdrill' };
  const load = startLedgerLoad({ target, rate: 'max', concurrency: 2, writeTimeoutMs: 150, clock: monotonicClock(), ledger });
  await new Promise((r) => setTimeout(r, ms));
  const summary = await load.stop();
  return { summary, ledger, writesSeen: server.writesSeen() };
}

describe('ledger driver outcomes against a server that', () => {
  it('commits: every write is acknowledged by the server it asked once per connection', async () => {
    const { summary, ledger, writesSeen } = await runAgainst('commit', 200);
    expect(summary.acked).toBeGreaterThan(10);
    expect(summary.acked).toBe(writesSeen);
    expect(summary.failed + summary.inDoubt).toBe(0);
    expect(ledger.entry(1)).toMatchObject({ outcome: 'acked', node: '198.18.0.10' });
  });

  it('goes silent: writes time out in doubt, and stopping does not hang', async () => {
    const { summary, ledger } = await runAgainst('silent', 500);
    expect(summary.acked).toBe(0);
    expect(summary.inDoubt).toBeGreaterThanOrEqual(2);
    expect(summary.errors).toMatchObject({ timeout: summary.inDoubt });
    const first = ledger.entry(1);
    expect(first.outcome).toBe('in-doubt');
    expect(first.endAt! - first.sentAt).toBeGreaterThanOrEqual(150);
  });

  it('terminates the session (57P01): writes are in doubt, never hang, and the driver reconnects', async () => {
    const { summary, writesSeen } = await runAgainst('terminate', 500);
    expect(summary.acked).toBe(0);
    expect(summary.errors['SQLSTATE 57P01']).toBeGreaterThanOrEqual(2);
    expect(summary.inDoubt).toBe(summary.sent);
    expect(writesSeen).toBeGreaterThanOrEqual(2);
  });
});
