import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../../harness/load/ledger/ledger.js';
import { EventBuffer } from '../../../../harness/load/ledger-remote/event-buffer.js';
import { replayEvent } from '../../../../harness/load/ledger-remote/protocol.js';

describe('remote ledger events', () => {
  it('replays sent, acknowledged and failed writes into a ledger, moved onto the local clock', () => {
    const remote = new EventBuffer();
    remote.send(1000);
    remote.send(1001);
    remote.acked(1, 1003.5, '10.244.1.7');
    remote.failed(2, 1010, 'in-doubt');
    remote.send(1011);
    remote.acked(3, 1012, undefined);
    const ledger = new Ledger();
    for (const line of remote.take(0, 100).events) replayEvent(line, ledger, (at) => at - 900);
    const entries: unknown[] = [];
    ledger.forEach((id, sentAt, endAt, outcome, node) => entries.push([id, sentAt, endAt, outcome, node ? ledger.nodeNames[node - 1] : undefined]));
    expect(entries).toEqual([
      [1, 100, 103.5, 1, '10.244.1.7'],
      [2, 101, 110, 3, undefined],
      [3, 111, 112, 1, undefined],
    ]);
  });

  it('refuses a sent write that is not the next id (events lost) and an unreadable line', () => {
    const ledger = new Ledger();
    expect(() => replayEvent('s 2 10', ledger, (at) => at)).toThrow('ledger event for write 2 arrived as write 1: events were lost or reordered');
    expect(() => replayEvent('x 1 10', new Ledger(), (at) => at)).toThrow('unreadable ledger event "x 1 10"');
    expect(() => replayEvent('a one 10 -', new Ledger(), (at) => at)).toThrow('unreadable');
  });

  it('hands out events by sequence number, in batches, and drops only what was fetched past', () => {
    const remote = new EventBuffer();
    for (let i = 0; i < 5; i++) remote.send(i);
    expect(remote.take(0, 2)).toEqual({ from: 0, events: ['s 1 0', 's 2 1'] });
    // Asked again from 0 (the answer was lost): the same events.
    expect(remote.take(0, 2).events).toEqual(['s 1 0', 's 2 1']);
    expect(remote.take(2, 10)).toEqual({ from: 2, events: ['s 3 2', 's 4 3', 's 5 4'] });
    // Everything before 2 is gone now: a request from 0 starts at 2, which the client refuses.
    expect(remote.take(0, 1).from).toBe(2);
    expect(remote.end).toBe(5);
  });
});
