import { open, readFile, type FileHandle } from 'node:fs/promises';
import { ErrorCode, KdrillError } from '../common/errors.js';
import { redactValue } from '../common/redact.js';
import type { Clock } from './clock.js';
import type { Journal, JournalEntry } from './journal-types.js';

export type { Journal, JournalEntry, JournalEntryKind, MonoTime, RevertReason, RunStatus } from './journal-types.js';
export { RUN_STATUSES } from './journal-types.js';

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
  // `append: true` reopens an existing journal (used by `kdrill cleanup`).
  /** @throws KdrillError RUN_DIR when the file exists or cannot be created. */
  static async open(path: string, options: { append?: boolean } = {}): Promise<FileJournal> {
    try {
      return new FileJournal(path, await open(path, options.append ? 'a' : 'ax'));
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

// Reads a journal file back.
/** @throws KdrillError JOURNAL_CORRUPT naming the line, for any bad line but a cut-short last one. */
export async function readJournal(path: string): Promise<ReadJournal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new KdrillError(ErrorCode.JOURNAL_CORRUPT, `cannot read the run journal ${path}`, { cause });
  }
  return parseJournal(text, path);
}

// Parses journal text: one entry per line; a final line without its newline may be cut short.
/** @throws KdrillError JOURNAL_CORRUPT naming the line. */
export function parseJournal(text: string, path = 'journal'): ReadJournal {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete) lines.pop();
  const entries: JournalEntry[] = [];
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const isLast = index === lines.length - 1;
    if (raw.trim() === '') {
      if (isLast && !complete) continue;
      throw corrupt(path, line, 'is empty');
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      if (isLast && !complete) return { entries, truncated: { line, text: raw } };
      throw corrupt(path, line, 'is not valid JSON', cause);
    }
    if (!isEntry(value)) throw corrupt(path, line, 'is not a journal entry: expected an object with a string `kind` and a number `at`');
    entries.push(value);
  }
  return { entries };
}

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && typeof v.at === 'number';
}

function corrupt(path: string, line: number, what: string, cause?: unknown): KdrillError {
  return new KdrillError(ErrorCode.JOURNAL_CORRUPT, `${path}:${line}: line ${line} ${what}`, {
    cause,
    hint: 'the journal is append-only JSON lines; only a cut-short last line (a crash mid-write) is tolerated',
  });
}
