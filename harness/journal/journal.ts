import { open, type FileHandle } from 'node:fs/promises';
import { DamagedFileError, ErrorCode, KdrillError, quoteText } from '../common/errors.js';
import { bytesText, dropTornLastLine, parseJsonText, readJsonLines, type JsonLinesLimits, type RawLine } from '../common/jsonl-file.js';
import { redactValue } from '../common/redact.js';
import type { Clock } from '../model/time.js';
import { checkEntry } from './schema.js';
import type { Journal, JournalEntry } from './entries.js';

export type { Journal, JournalEntry, JournalEntryKind, RevertReason, RunStatus } from './entries.js';
export type { MonoTime } from '../model/time.js';
export { RUN_STATUSES } from './entries.js';

// A journal entry of one kind, and an entry before the clock stamps its `at`.
export type EntryOf<K extends JournalEntry['kind']> = Extract<JournalEntry, { kind: K }>;
export type UnstampedEntry = JournalEntry extends infer E ? (E extends JournalEntry ? Omit<E, 'at'> : never) : never;

// The run journal on disk: one JSON line per entry, fsynced before append() resolves.
export class FileJournal implements Journal, AsyncDisposable {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  // Creates the journal file; refuses an existing one, so no run overwrites another's facts.
  // `append: true` reopens an existing journal (used by `kdrill cleanup`), first cutting off a
  // last line a crash left half-written, which would otherwise run into the next entry.
  /** @throws KdrillError RUN_DIR when the file exists or cannot be created. */
  static async open(path: string, options: { append?: boolean } = {}): Promise<FileJournal> {
    try {
      const handle = await open(path, options.append ? 'a+' : 'ax');
      if (options.append) await dropTornLastLine(handle);
      return new FileJournal(path, handle);
    } catch (cause) {
      throw new KdrillError(ErrorCode.RUN_DIR, `cannot ${options.append ? 'open' : 'create'} the run journal ${path}`, { cause });
    }
  }

  // Appends are serialised in call order; each one waits for the previous, even a failed one.
  append(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new KdrillError(ErrorCode.INTERNAL, `journal ${this.path} is closed`));
    const line = `${JSON.stringify(redactValue(entry))}\n`;
    const write = this.tail.catch(() => undefined).then(async () => {
      await this.file.write(line);
      await this.file.sync();
    });
    this.tail = write;
    return write;
  }

  // Waits for pending appends, then closes the file. Idempotent.
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail.catch(() => undefined);
    await this.file.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// A journal that stamps every entry with the clock at the moment of the call, so `at` never
// decreases along the file. The engine hands this to backends, which have no clock of their own.
export function stampedJournal(inner: Journal, clock: Clock, offset = 0): Journal & { record(entry: UnstampedEntry): Promise<void> } {
  const append = (entry: JournalEntry | UnstampedEntry): Promise<void> =>
    inner.append({ ...entry, at: offset + clock.now() } as JournalEntry);
  return { path: inner.path, append, record: append };
}

// Calls `listener` with each entry after it is durable (live console progress, reporters).
export function teeJournal(inner: Journal, listener: (entry: JournalEntry) => void): Journal {
  return {
    path: inner.path,
    append: async (entry) => {
      await inner.append(entry);
      listener(entry);
    },
  };
}

export interface ReadJournal {
  readonly entries: JournalEntry[];
  // The last line was cut short (the harness died mid-write): ignored, and reported here.
  readonly truncated?: { readonly line: number; readonly text: string };
}

// Bounds of a journal read back. A run-start line holds the compiled plan and the scenario
// document (a scenario file may be 1 MiB), so one line may hold a few MiB: 8 MiB leaves room.
// A drill journals a few hundred bytes per observation; 512 MiB is days of drill.
export const JOURNAL_LIMITS = {
  maxLineBytes: 8 * 1024 * 1024,
  maxFileBytes: 512 * 1024 * 1024,
  maxNesting: 64,
} as const satisfies JsonLinesLimits;

// Reads a journal file back, bounded (JOURNAL_LIMITS): a FIFO, a device or a directory is
// refused before a byte is read, and every entry is checked against its kind's schema.
/**
 * @throws DamagedFileError JOURNAL_CORRUPT (invalid input) naming file:line: a file that is
 * missing, not a regular file or too large; a line too long, not UTF-8, not JSON, not an entry,
 * of an unknown kind or missing a field; anything but a cut-short last line.
 */
export async function readJournal(path: string, limits: JsonLinesLimits = JOURNAL_LIMITS): Promise<ReadJournal> {
  const collector = new EntryCollector(path, limits);
  for await (const line of readJsonLines({ file: path, noun: 'run journal', code: ErrorCode.JOURNAL_CORRUPT, limits })) collector.add(line);
  return collector.result();
}

// Parses journal text: one entry per line; a final line without its newline may be cut short.
/** @throws DamagedFileError JOURNAL_CORRUPT naming file:line, as readJournal. */
export function parseJournal(text: string, path = 'journal', limits: JsonLinesLimits = JOURNAL_LIMITS): ReadJournal {
  const fail = (line: number | undefined, message: string) => new DamagedFileError(ErrorCode.JOURNAL_CORRUPT, path, line, message);
  if (Buffer.byteLength(text) > limits.maxFileBytes) throw fail(undefined, `Expected the run journal to be at most ${bytesText(limits.maxFileBytes)}, got more`);
  const lines = text.split('\n');
  const terminated = text.endsWith('\n');
  if (terminated || text === '') lines.pop();
  const collector = new EntryCollector(path, limits);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (Buffer.byteLength(raw) > limits.maxLineBytes) throw fail(line, `Expected line ${line} to be at most ${bytesText(limits.maxLineBytes)}, got a longer line`);
    collector.add({ line, text: raw, terminated: terminated || index < lines.length - 1, utf8: true });
  }
  return collector.result();
}

// Turns the lines of a journal, in order, into entries.
class EntryCollector {
  private readonly entries: JournalEntry[] = [];
  private truncated: { line: number; text: string } | undefined;

  constructor(
    private readonly path: string,
    private readonly limits: JsonLinesLimits,
  ) {}

  add({ line, text, terminated, utf8 }: RawLine): void {
    if (text.trim() === '') {
      if (!terminated) return;
      throw this.corrupt(line, `Expected a journal entry on line ${line}, got an empty line`);
    }
    const parsed = utf8 ? parseJsonText(text, this.limits.maxNesting) : undefined;
    if (!parsed?.ok) {
      // Only the last line, without its newline, can be a write the harness did not finish.
      if (!terminated) {
        this.truncated = { line, text };
        return;
      }
      throw this.corrupt(line, `Expected line ${line} to be a journal entry (a JSON object), got ${quoteText(text)} (${parsed?.why ?? 'not UTF-8'})`);
    }
    const checked = checkEntry(parsed.value);
    if (!checked.ok) throw this.corrupt(line, checked.why);
    this.entries.push(checked.entry);
  }

  result(): ReadJournal {
    return this.truncated ? { entries: this.entries, truncated: this.truncated } : { entries: this.entries };
  }

  private corrupt(line: number, message: string): DamagedFileError {
    return new DamagedFileError(ErrorCode.JOURNAL_CORRUPT, this.path, line, message, {
      hint: 'the journal is append-only JSON lines, one entry each; only a cut-short last line (a crash mid-write) is tolerated',
    });
  }
}
