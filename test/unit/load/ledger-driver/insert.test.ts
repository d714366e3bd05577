import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { bindExecuteSync, LedgerInsert, parseMessage } from '../../../../harness/load/ledger-driver/insert.js';

// Splits a buffer of frontend messages into (type, body) pairs, checking every length word.
function messages(buffer: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  for (let at = 0; at < buffer.length; ) {
    const length = buffer.readInt32BE(at + 1);
    out.push({ type: String.fromCharCode(buffer[at]!), body: buffer.subarray(at + 5, at + 1 + length) });
    at += 1 + length;
  }
  return out;
}

describe('ledger insert wire messages', () => {
  it('binds id and payload as text parameters, executes the unnamed portal and syncs', () => {
    const [bind, execute, sync, ...rest] = messages(bindExecuteSync(1234567, Buffer.from('xyz')));
    expect(rest).toEqual([]);
    expect(bind!.type).toBe('B');
    expect(bind!.body.toString('hex')).toBe(
      Buffer.concat([
        Buffer.from('\0kdrill_ledger_insert\0'),
        Buffer.from([0, 0, 0, 2]), // no format codes (text), two parameters
        Buffer.from([0, 0, 0, 7]), Buffer.from('1234567'),
        Buffer.from([0, 0, 0, 3]), Buffer.from('xyz'),
        Buffer.from([0, 0]), // no result format codes (text)
      ]).toString('hex'),
    );
    expect(execute).toEqual({ type: 'E', body: Buffer.from([0, 0, 0, 0, 0]) });
    expect(sync).toEqual({ type: 'S', body: Buffer.alloc(0) });
  });

  it('parses the statement once, ahead of the first bind of a connection', () => {
    const insert = new LedgerInsert('insert into t values ($1, $2)', 1, Buffer.from('x'), true);
    const written: Buffer[] = [];
    insert.submit({ stream: { write: (b: Uint8Array) => written.push(Buffer.from(b)) } });
    const sent = messages(Buffer.concat(written));
    expect(sent.map((m) => m.type)).toEqual(['P', 'B', 'E', 'S']);
    expect(sent[0]!.body.toString()).toBe('kdrill_ledger_insert\0insert into t values ($1, $2)\0\0\0');
    expect(messages(parseMessage('select 1'))[0]!.body.toString()).toBe('kdrill_ledger_insert\0select 1\0\0\0');
  });
});

describe('LedgerInsert settles', () => {
  it('on ReadyForQuery after a command completes', async () => {
    const insert = new LedgerInsert('q', 1, Buffer.from('x'), false);
    insert.handleCommandComplete();
    insert.handleReadyForQuery();
    await expect(insert.done).resolves.toBeUndefined();
  });

  it('with a server error at once (pg hands the ReadyForQuery after an error to no one)', async () => {
    const insert = new LedgerInsert('q', 1, Buffer.from('x'), false);
    const error = new pg.DatabaseError('terminating connection due to administrator command', 0, 'error');
    error.code = '57P01';
    insert.handleError(error);
    await expect(insert.done).rejects.toBe(error);
  });

  it('with a lost connection at once', async () => {
    const insert = new LedgerInsert('q', 1, Buffer.from('x'), false);
    insert.handleError(new Error('Connection terminated unexpectedly'));
    await expect(insert.done).rejects.toThrow('Connection terminated unexpectedly');
  });
});
