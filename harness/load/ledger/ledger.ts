import type { MonoTime } from '../../model/time.js';
import { type RetimableLedger } from '../types.js';
import { OUTCOMES, type Outcome } from '../../model/writes.js';

const CHUNK = 1 << 20; // writes per chunk: memory grows in 18 MiB steps, never per write

interface Chunk {
  sentAt: Float64Array;
  endAt: Float64Array; // acknowledgement or failure time; NaN while pending
  outcome: Uint8Array; // index into OUTCOMES
  node: Uint8Array; // 1 + index into `nodes` of the server that acknowledged; 0 unknown
}

const newChunk = (): Chunk => ({
  sentAt: new Float64Array(CHUNK),
  endAt: new Float64Array(CHUNK).fill(Number.NaN),
  outcome: new Uint8Array(CHUNK),
  node: new Uint8Array(CHUNK),
});

export interface LedgerEntry {
  readonly id: number;
  readonly sentAt: MonoTime;
  readonly endAt: MonoTime | undefined;
  readonly outcome: Outcome;
  readonly node: string | undefined;
}

// Every write of a run: id i (from 1) sits at index i - 1 of flat typed arrays, so millions
// of writes cost 18 bytes each and no object per write.
export class Ledger implements RetimableLedger {
  private readonly chunks: Chunk[] = [];
  private readonly nodes: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get nodeNames(): readonly string[] {
    return this.nodes;
  }

  send(at: MonoTime): number {
    const index = this.count++;
    const chunk = this.chunkFor(index, true);
    chunk.sentAt[index % CHUNK] = at;
    return index + 1;
  }

  acked(id: number, at: MonoTime, node: string | undefined): void {
    const { chunk, offset } = this.slot(id);
    chunk.endAt[offset] = at;
    chunk.outcome[offset] = OUTCOMES.indexOf('acked');
    chunk.node[offset] = node === undefined ? 0 : this.nodeIndex(node) + 1;
  }

  failed(id: number, at: MonoTime, outcome: 'failed' | 'in-doubt'): void {
    const { chunk, offset } = this.slot(id);
    chunk.endAt[offset] = at;
    chunk.outcome[offset] = OUTCOMES.indexOf(outcome);
  }

  // Moves every recorded time through `map`, in place (a remote driver's writes, once its
  // clock is known better); a pending write's missing end stays missing.
  retime(map: (at: MonoTime) => MonoTime): void {
    for (let index = 0; index < this.count; index++) {
      const chunk = this.chunks[Math.floor(index / CHUNK)]!;
      const o = index % CHUNK;
      chunk.sentAt[o] = map(chunk.sentAt[o]!);
      const end = chunk.endAt[o]!;
      if (!Number.isNaN(end)) chunk.endAt[o] = map(end);
    }
  }

  outcomeOf(id: number): Outcome {
    const { chunk, offset } = this.slot(id);
    return OUTCOMES[chunk.outcome[offset]!]!;
  }

  entry(id: number): LedgerEntry {
    const { chunk, offset } = this.slot(id);
    const end = chunk.endAt[offset]!;
    const node = chunk.node[offset]!;
    return { id, sentAt: chunk.sentAt[offset]!, endAt: Number.isNaN(end) ? undefined : end, outcome: OUTCOMES[chunk.outcome[offset]!]!, node: node === 0 ? undefined : this.nodes[node - 1] };
  }

  // Visits every id in order without allocating per write (the callback gets raw fields).
  forEach(visit: (id: number, sentAt: number, endAt: number, outcome: number, node: number) => void): void {
    for (let index = 0; index < this.count; index++) {
      const chunk = this.chunks[Math.floor(index / CHUNK)]!;
      const o = index % CHUNK;
      visit(index + 1, chunk.sentAt[o]!, chunk.endAt[o]!, chunk.outcome[o]!, chunk.node[o]!);
    }
  }

  counts(): Record<Outcome, number> {
    const out: Record<Outcome, number> = { pending: 0, acked: 0, failed: 0, 'in-doubt': 0 };
    this.forEach((_id, _s, _e, outcome) => {
      out[OUTCOMES[outcome]!]++;
    });
    return out;
  }

  // The raw columns of one chunk, for the file format.
  columns(): { count: number; nodes: readonly string[]; chunks: readonly Chunk[] } {
    return { count: this.count, nodes: this.nodes, chunks: this.chunks };
  }

  // Rebuilds a ledger from raw columns (the file reader).
  static fromColumns(count: number, nodes: readonly string[], fill: (chunk: Chunk, index: number, length: number) => void): Ledger {
    const ledger = new Ledger();
    ledger.nodes.push(...nodes);
    ledger.count = count;
    for (let i = 0; i * CHUNK < count; i++) {
      const chunk = newChunk();
      fill(chunk, i, Math.min(CHUNK, count - i * CHUNK));
      ledger.chunks.push(chunk);
    }
    return ledger;
  }

  private nodeIndex(node: string): number {
    let index = this.nodes.indexOf(node);
    if (index < 0) {
      if (this.nodes.length >= 254) return 253; // more servers than a cluster has: lump the rest
      index = this.nodes.push(node) - 1;
    }
    return index;
  }

  private slot(id: number): { chunk: Chunk; offset: number } {
    if (!Number.isInteger(id) || id < 1 || id > this.count) throw new RangeError(`ledger has no id ${id} (ids 1…${this.count})`);
    return { chunk: this.chunkFor(id - 1, false), offset: (id - 1) % CHUNK };
  }

  private chunkFor(index: number, grow: boolean): Chunk {
    const n = Math.floor(index / CHUNK);
    while (grow && this.chunks.length <= n) this.chunks.push(newChunk());
    return this.chunks[n]!;
  }
}

export type { Chunk as LedgerChunk };
export const LEDGER_CHUNK = CHUNK;
