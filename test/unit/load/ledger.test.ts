import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLedger, saveLedger } from '../../../harness/load/ledger/file.js';
import { LEDGER_CHUNK, Ledger } from '../../../harness/load/ledger/ledger.js';
import { tempDir } from '../../helpers/cli.js';

describe('Ledger', () => {
  it('hands out unique increasing ids and records each outcome with its times and node', () => {
    const ledger = new Ledger();
    const a = ledger.send(10);
    const b = ledger.send(11);
    const c = ledger.send(12);
    expect([a, b, c]).toEqual([1, 2, 3]);
    ledger.acked(a, 15, '198.18.1.11');
    ledger.failed(b, 16, 'failed');
    ledger.failed(c, 2_012, 'in-doubt');
    expect(ledger.entry(a)).toEqual({ id: 1, sentAt: 10, endAt: 15, outcome: 'acked', node: '198.18.1.11' });
    expect(ledger.entry(b)).toEqual({ id: 2, sentAt: 11, endAt: 16, outcome: 'failed', node: undefined });
    expect(ledger.entry(c).outcome).toBe('in-doubt');
    expect(ledger.counts()).toEqual({ pending: 0, acked: 1, failed: 1, 'in-doubt': 1 });
  });

  it('refuses ids it never handed out', () => {
    const ledger = new Ledger();
    ledger.send(0);
    expect(() => ledger.acked(2, 1, undefined)).toThrow('ledger has no id 2 (ids 1…1)');
    expect(() => ledger.entry(0)).toThrow(RangeError);
  });

  it('re-times every write in place, across chunks, and leaves a pending write without an end', () => {
    const ledger = new Ledger();
    const n = LEDGER_CHUNK + 3;
    for (let i = 0; i < n; i++) ledger.send(i);
    ledger.acked(1, 5, 'db-0');
    ledger.failed(2, 6, 'in-doubt');
    ledger.acked(n, n + 4, 'db-1');
    const seen: number[] = [];
    ledger.retime((t) => {
      if (seen.length < 4) seen.push(t);
      return t * 2 + 1;
    });
    expect(seen).toEqual([0, 5, 1, 6]); // sentAt then endAt, id by id; no NaN passed in
    expect(ledger.entry(1)).toEqual({ id: 1, sentAt: 1, endAt: 11, outcome: 'acked', node: 'db-0' });
    expect(ledger.entry(2)).toEqual({ id: 2, sentAt: 3, endAt: 13, outcome: 'in-doubt', node: undefined });
    expect(ledger.entry(3)).toEqual({ id: 3, sentAt: 5, endAt: undefined, outcome: 'pending', node: undefined });
    expect(ledger.entry(n)).toMatchObject({ sentAt: (n - 1) * 2 + 1, endAt: (n + 4) * 2 + 1, node: 'db-1' });
    expect(ledger.counts()).toEqual({ pending: n - 3, acked: 2, failed: 0, 'in-doubt': 1 });
  });

  it('crosses chunk boundaries without losing a write', () => {
    const ledger = new Ledger();
    const n = LEDGER_CHUNK + 5;
    for (let i = 0; i < n; i++) ledger.send(i);
    ledger.acked(LEDGER_CHUNK + 3, 7, 'x');
    expect(ledger.size).toBe(n);
    expect(ledger.entry(LEDGER_CHUNK + 3)).toMatchObject({ sentAt: LEDGER_CHUNK + 2, outcome: 'acked', node: 'x' });
    expect(ledger.counts().pending).toBe(n - 1);
  });
});

describe('ledger file', () => {
  it('round-trips every column, across chunks, through ledger.bin', async () => {
    await using dir = await tempDir();
    const ledger = new Ledger();
    const n = LEDGER_CHUNK + 10;
    for (let i = 0; i < n; i++) {
      const id = ledger.send(i * 0.5);
      if (i % 3 === 0) ledger.acked(id, i * 0.5 + 1.25, i % 2 ? 'a' : 'b');
      else if (i % 3 === 1) ledger.failed(id, i * 0.5 + 2, 'in-doubt');
    }
    const file = path.join(dir.path, 'ledger.bin');
    await saveLedger(ledger, file);
    const back = await loadLedger(file);
    expect(back.size).toBe(n);
    expect(back.counts()).toEqual(ledger.counts());
    for (const id of [1, 2, 3, LEDGER_CHUNK, LEDGER_CHUNK + 1, n]) expect(back.entry(id)).toEqual(ledger.entry(id));
  });

  it('says so when the file is not a complete ledger', async () => {
    await using dir = await tempDir();
    const ledger = new Ledger();
    ledger.send(1);
    const file = path.join(dir.path, 'ledger.bin');
    await saveLedger(ledger, file);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 3));
    await expect(loadLedger(file)).rejects.toThrow(/is truncated: \d+ bytes for 1 writes/);
    await writeFile(file, 'hello world, not a ledger');
    await expect(loadLedger(file)).rejects.toThrow('is not a kdrill ledger');
  });
});
