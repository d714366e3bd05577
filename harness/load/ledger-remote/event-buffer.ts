import type { LedgerWriter } from '../types.js';
import { encodeAcked, encodeFailed, encodeSent } from './protocol.js';

// The driver's ledger on the remote side: ids allocated like the Ledger's, each fact kept as
// an event line until kdrill has fetched past it.
export class EventBuffer implements LedgerWriter {
  private nextId = 1;
  private base = 0; // sequence number of lines[0]
  private lines: string[] = [];

  send(at: number): number {
    const id = this.nextId++;
    this.lines.push(encodeSent(id, at));
    return id;
  }

  acked(id: number, at: number, node: string | undefined): void {
    this.lines.push(encodeAcked(id, at, node));
  }

  failed(id: number, at: number, outcome: 'failed' | 'in-doubt'): void {
    this.lines.push(encodeFailed(id, at, outcome));
  }

  // The events from sequence number `from` (at most `max`); asking from `from` also says
  // everything before it arrived, so it is dropped here.
  take(from: number, max: number): { from: number; events: string[] } {
    if (from > this.base) {
      const drop = Math.min(from - this.base, this.lines.length);
      this.lines = this.lines.slice(drop);
      this.base += drop;
    }
    const start = Math.max(from, this.base);
    return { from: start, events: this.lines.slice(start - this.base, start - this.base + max) };
  }

  get end(): number {
    return this.base + this.lines.length;
  }
}
