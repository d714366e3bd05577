import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackupInventory } from '../../../harness/backends/types.js';
import { residency } from '../../../harness/verify/residency/verifier.js';
import { retention } from '../../../harness/verify/retention/verifier.js';
import type { VerifyContext } from '../../../harness/verify/types.js';

// Ages are judged against Date.now(): held still, so a loaded machine cannot shift them.
beforeAll(() => {
  vi.useFakeTimers({ now: new Date('2030-06-01T12:00:00Z'), toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const inventory = (backupAges: number[], lastArchivedAgo?: number): BackupInventory => ({
  repository: { region: 'backup-region', retentionPolicy: 'repo1-retention-full=2' },
  backups: backupAges.map((age, i) => ({ label: `B${i}`, type: 'full', startedAt: ago(age), stoppedAt: ago(age - 60_000) })),
  ...(lastArchivedAgo !== undefined ? { lastArchivedAt: ago(lastArchivedAgo) } : {}),
  locations: [
    { what: 'database member a-1', region: 'a' },
    { what: 'database member b-1', region: 'b' },
    { what: 'the backup repository (pgBackRest)', region: 'backup-region' },
  ],
});
const ctx = (more: Partial<VerifyContext>): VerifyContext => ({ target: { host: 'h', port: 1, user: 'u', password: 'p', database: 'd' }, endpoints: { readWrite: 'postgresql://h/d' }, timeoutMs: 1_000, log: () => {}, ...more });

describe('retention', () => {
  it('passes when nothing is older than the retention and a restore reaches within the RPO', async () => {
    const found = await retention.verify(ctx({ inventory: inventory([3 * DAY, HOUR], 60_000), targets: { rpoMs: HOUR, retentionMs: 14 * DAY } }));
    expect(found.verdict).toBe('pass');
    expect(found.summary).toMatch(/^2 backups, the oldest 3d old; a restore can reach 1m ago; repository policy repo1-retention-full=2; within the retention of 14d and the RPO of 1h$/);
  });

  it('fails a backup kept beyond the retention (expiry not working), and history too old for the RPO', async () => {
    const found = await retention.verify(ctx({ inventory: inventory([40 * DAY, 3 * HOUR]), targets: { rpoMs: HOUR, retentionMs: 30 * DAY } }));
    expect(found.verdict).toBe('fail');
    expect(found.summary).toContain('backup B0 is 40d old, beyond the retention of 30d: expiry is not removing it');
    expect(found.summary).toContain('the newest point a restore can reach is 2h59m old, more than the RPO of 1h');
  });

  it('fails an empty repository and knows nothing without an inventory', async () => {
    expect((await retention.verify(ctx({ inventory: inventory([]), targets: { rpoMs: HOUR } }))).verdict).toBe('fail');
    expect((await retention.verify(ctx({}))).verdict).toBe('unknown');
  });
});

describe('residency', () => {
  it('passes when every copy of the data is in an allowed region, and names the ones that are not', async () => {
    const inv = inventory([HOUR]);
    expect((await residency.verify(ctx({ inventory: inv, targets: { rpoMs: 0, allowedRegions: ['a', 'b', 'backup-region'] } }))).verdict).toBe('pass');
    const outside = await residency.verify(ctx({ inventory: inv, targets: { rpoMs: 0, allowedRegions: ['a', 'b'] } }));
    expect(outside).toMatchObject({ verdict: 'fail', summary: 'the backup repository (pgBackRest) in backup-region: outside the allowed a, b' });
  });

  it('cannot judge without allowed regions', async () => {
    expect(await residency.verify(ctx({ inventory: inventory([HOUR]), targets: { rpoMs: 0 } }))).toMatchObject({ verdict: 'unknown', summary: 'no allowed regions to judge against: set `tier.allowedRegions`' });
  });
});
