import type { Readback } from '../../measure/rpo.js';

const LISTED = 1_000; // phantom and duplicate ids kept for evidence; the counts are complete

// Which ledger ids a table holds: one byte per id sent (1…sent), plus the ids that should not
// be there at all (phantoms: outside 1…sent) and those seen more than once (duplicates).
export class PresentIds implements Readback {
  private readonly seen: Uint8Array;
  private readonly phantomIds: number[] = [];
  private readonly duplicateIds: number[] = [];
  private phantomCount = 0;
  private duplicateCount = 0;
  private rowCount = 0;

  constructor(readonly sent: number) {
    this.seen = new Uint8Array(sent + 1);
  }

  add(id: number): void {
    this.rowCount++;
    if (!Number.isSafeInteger(id) || id < 1 || id > this.sent) {
      this.phantomCount++;
      if (this.phantomIds.length < LISTED) this.phantomIds.push(id);
      return;
    }
    if (this.seen[id] === 1) {
      this.duplicateCount++;
      if (this.duplicateIds.length < LISTED) this.duplicateIds.push(id);
      return;
    }
    this.seen[id] = 1;
  }

  has(id: number): boolean {
    return id >= 1 && id <= this.sent && this.seen[id] === 1;
  }

  get rows(): number {
    return this.rowCount;
  }

  get phantoms(): readonly number[] {
    return this.phantomIds;
  }

  get phantomTotal(): number {
    return this.phantomCount;
  }

  get duplicates(): readonly number[] {
    return this.duplicateIds;
  }

  get duplicateTotal(): number {
    return this.duplicateCount;
  }
}
