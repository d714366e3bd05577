import { describe, expect, it } from 'vitest';
import { IdCopyParser } from '../../../harness/verify/ledger-readback/copy-parser.js';
import { PresentIds } from '../../../harness/verify/ledger-readback/present-ids.js';
import { ledgerReadback } from '../../../harness/verify/ledger-readback/verifier.js';
import { expectedSeedChecksum } from '../../../harness/verify/seeded-checksum/verifier.js';
import { Ledger } from '../../../harness/load/ledger/ledger.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('the COPY id parser', () => {
  it('reads ids split anywhere across chunks', () => {
    const ids = new PresentIds(200);
    const parser = new IdCopyParser(ids);
    for (const chunk of ['1\n2', '0\n1', '23\n', '7', '\n']) parser.push(bytes(chunk));
    parser.end();
    expect([1, 20, 123, 7].every((id) => ids.has(id))).toBe(true);
    expect(ids.has(2)).toBe(false);
    expect(ids.rows).toBe(4);
  });

  it('finds phantoms (never sent, or not a positive id) and duplicates', () => {
    const ids = new PresentIds(10);
    const parser = new IdCopyParser(ids);
    parser.push(bytes('3\n11\n3\n-4\n'));
    parser.push(bytes('\\N\n'));
    parser.end();
    expect(ids.phantoms).toEqual([11, -4]);
    expect(ids.duplicates).toEqual([3]);
    expect(parser.malformedBytes).toBe(2);
  });
});

describe('the ledger-readback verifier', () => {
  const context = (sentAcked: number, present: number[], extra: number[] = []) => {
    const ledger = new Ledger();
    for (let i = 0; i < sentAcked; i++) ledger.acked(ledger.send(i), i + 1, 'A');
    const ids = new PresentIds(ledger.size);
    for (const id of [...present, ...extra]) ids.add(id);
    return { target: { host: 'h', port: 1, user: 'u', password: 'p', database: 'd' }, endpoints: { readWrite: 'postgresql://h/d' }, ledger, readback: { ids, server: '198.18.1.11', malformed: 0, durationMs: 3 }, timeoutMs: 1_000, log: () => {} };
  };

  it('passes with lost writes (the targets judge those) and names them', async () => {
    const e = await ledgerReadback.verify(context(5, [1, 2, 4, 5]));
    expect(e.verdict).toBe('pass');
    expect(e.details).toMatchObject({ lost: 1, lostIds: [3], acknowledged: 5 });
    expect(e.summary).toContain('4 of 5 acknowledged writes present');
  });

  it('fails on phantom rows or duplicates: corruption', async () => {
    const e = await ledgerReadback.verify(context(3, [1, 2, 3], [3, 99]));
    expect(e.verdict).toBe('fail');
    expect(e.summary).toContain('1 phantom row (never sent), 1 duplicate id');
  });

  it('fails on a write the server refused that is present anyway: corruption', async () => {
    const ctx = context(3, []);
    ctx.ledger.failed(ctx.ledger.send(3), 4, 'failed'); // id 4: refused, yet read back
    ctx.readback.ids = new PresentIds(4);
    for (const id of [1, 2, 3, 4]) ctx.readback.ids.add(id);
    const e = await ledgerReadback.verify(ctx);
    expect(e.verdict).toBe('fail');
    expect(e.summary).toContain('1 write the server refused (proved uncommitted) present');
    expect(e.details).toMatchObject({ failedPresent: 1, failedPresentIds: [4] });
  });

  it('says unknown when nothing could be read back', async () => {
    const { readback: _unused, ...without } = context(3, []);
    expect((await ledgerReadback.verify(without)).verdict).toBe('unknown');
  });
});

describe('the seeded dataset', () => {
  it('has the checksum computed independently of PostgreSQL (md5 of "id:md5(id)" joined by commas)', () => {
    expect(expectedSeedChecksum(3)).toBe('7edfbe639f182140702664ad8b2cd29c');
    expect(expectedSeedChecksum(0)).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});
