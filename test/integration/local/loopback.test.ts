import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectedLocal } from '../../../harness/backends/local/connected.js';
import { processesUnder } from '../../../harness/backends/local/processes/find.js';
import { listNetns } from '../../../harness/backends/local/network/index.js';
import { MemoryJournal } from '../../../harness/testing/memory-journal.js';
import { eventually, localBackendUnavailable, privateHome, startTestCluster } from '../../helpers/local-cluster.js';
import { testInjectContext } from '../../../harness/testing/inject-context.js';

const unavailable = await localBackendUnavailable();

// Loopback mode is what runs without root; here it runs as root (PostgreSQL then drops to
// the postgres user), which exercises the same addresses, processes and faults.
describe.skipIf(unavailable)(`local backend in loopback mode${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: 180_000 }, () => {
  it('comes up on 127.18.x addresses without namespaces, crashes and heals a node, refuses network faults, and leaves nothing behind', async () => {
    await using _home = await privateHome();
    const namespacesBefore = await listNetns();
    let dir: string;
    {
      await using cluster = await startTestCluster({ mode: 'loopback' });
      dir = cluster.state.dir;
      expect(cluster.plan.nodes.map((n) => n.address)).toEqual(['127.18.1.11', '127.18.2.11', '127.18.3.11']);
      expect(await listNetns()).toEqual(namespacesBefore);
      const view = await cluster.observe();
      expect(view.healthy).toBe(true);
      expect(await cluster.writeThroughService()).toMatchObject({ ok: true, server: expect.stringMatching(/^127\.18\./) });

      const backend = connectedLocal(cluster, { owned: false, keep: true, log: () => {} });
      const journal = new MemoryJournal();
      const signal = new AbortController().signal;
      const old = view.primaries[0]!;
      const crash = backend.injector('primary-crash');
      const handle = await crash.inject(crash.plan({}, await backend.topology()), testInjectContext({ runId: 'lb', faultId: 's1', journal, signal }));
      expect(await processesUnder(`${dir}/nodes/${old}`)).toEqual([]);
      await eventually('a new leader', () => cluster.observe(), (v) => v.primaries.length === 1 && v.primaries[0] !== old);
      await handle.revert();
      await eventually('healthy again', () => cluster.observe(), (v) => v.healthy, 120_000);

      const cut = backend.injector('zone-partition');
      await expect(cut.inject(cut.plan({ zone: 'a' }, await backend.topology()), testInjectContext({ runId: 'lb', faultId: 's2', journal, signal }))).rejects.toThrow(/needs network namespaces; cluster .* runs in loopback mode/);
    }
    expect(await processesUnder(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
