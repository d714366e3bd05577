import { redactValue } from '../common/redact.js';
import type { Journal, JournalEntry } from '../journal/entries.js';

// An in-memory journal for tests: entries go through the same redaction and JSON round trip.
export class MemoryJournal implements Journal {
  readonly entries: JournalEntry[] = [];
  readonly lines: string[] = [];
  constructor(readonly path = 'memory:journal') {}

  async append(entry: JournalEntry): Promise<void> {
    const line = JSON.stringify(redactValue(entry));
    this.lines.push(line);
    this.entries.push(JSON.parse(line) as JournalEntry);
  }
}
