import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { DamagedFileError, quoteText, type ErrorCode } from './errors.js';
import { bytesText, errnoText, fileType } from './file-facts.js';

export { bytesText, fileType } from './file-facts.js';

// Reading back a file of JSON lines that kdrill wrote (a run journal, the run history), with
// bounds: anything but a regular file is refused before a byte is read (so a FIFO, /dev/zero or
// a directory cannot hang or flood the reader), and no line and no file may exceed its limit,
// not even a file that grows while it is read. Every problem is a DamagedFileError naming
// file:line.

export interface JsonLinesLimits {
  readonly maxLineBytes: number; // one line, without its newline
  readonly maxFileBytes: number; // the whole file
  readonly maxNesting: number; // arrays and objects inside one another, on one line
}

export interface JsonLinesSource {
  readonly file: string;
  readonly noun: string; // "run journal": what the file is, for messages
  readonly code: ErrorCode;
  readonly limits: JsonLinesLimits;
}

// One line of the file, decoded. Only the last line can be `terminated: false` (no newline
// after it: a write cut short); only such a line can be `utf8: false` (cut inside a character),
// and its `text` then has U+FFFD in place of the broken bytes.
export interface RawLine {
  readonly line: number;
  readonly text: string;
  readonly terminated: boolean;
  readonly utf8: boolean;
}

const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

// The lines of a regular file, in order. `missingOk`: a file that does not exist has no lines.
/** @throws DamagedFileError when the file is missing (unless `missingOk`), not a regular file, too large, has a line too long, or a line that is not UTF-8. */
export async function* readJsonLines(source: JsonLinesSource, options: { missingOk?: boolean } = {}): AsyncGenerator<RawLine> {
  const { limits } = source;
  const handle = await openRegularFile(source, options.missingOk === true);
  if (!handle) return;
  const strict = new TextDecoder('utf-8', { fatal: true });
  const lossy = new TextDecoder('utf-8');
  const decode = (bytes: Buffer, line: number, terminated: boolean): RawLine => {
    try {
      return { line, text: strict.decode(bytes), terminated, utf8: true };
    } catch {
      if (!terminated) return { line, text: lossy.decode(bytes), terminated, utf8: false };
      throw fail(source, line, `Expected line ${line} to be UTF-8 text, got ${quoteText(lossy.decode(bytes))} (bytes that are not UTF-8)`);
    }
  };
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let parts: Buffer[] = [];
    let partBytes = 0;
    let total = 0;
    let line = 1;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limits.maxFileBytes) throw fail(source, undefined, `Expected the ${source.noun} to be at most ${bytesText(limits.maxFileBytes)}, got more (it grew while it was read)`);
      const data = chunk.subarray(0, bytesRead);
      for (let start = 0; start < data.length; ) {
        const newline = data.indexOf(NEWLINE, start);
        const piece = data.subarray(start, newline < 0 ? data.length : newline);
        if (partBytes + piece.length > limits.maxLineBytes) throw fail(source, line, `Expected line ${line} to be at most ${bytesText(limits.maxLineBytes)}, got a longer line`);
        if (newline < 0) {
          parts.push(Buffer.from(piece)); // `chunk` is reused: keep a copy
          partBytes += piece.length;
          break;
        }
        const bytes = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
        parts = [];
        partBytes = 0;
        yield decode(bytes, line, true);
        line++;
        start = newline + 1;
      }
    }
    if (partBytes > 0) yield decode(Buffer.concat(parts), line, false);
  } finally {
    await handle.close();
  }
}

// JSON text parsed, or why not. Nesting is checked first, so no later recursion over the value
// (redaction, rendering) can run out of stack.
export function parseJsonText(text: string, maxNesting: number): { ok: true; value: unknown } | { ok: false; why: string } {
  const depth = nestingDepth(text, maxNesting);
  if (depth > maxNesting) return { ok: false, why: `nested more than ${maxNesting} levels deep` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, why: `not JSON: ${(error as Error).message}` };
  }
}

// How deep arrays and objects nest in JSON text (outside strings); stops counting past `max`.
function nestingDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

// The file opened for reading, once it is known to be a regular file within the size limit.
async function openRegularFile(source: JsonLinesSource, missingOk: boolean): Promise<FileHandle | undefined> {
  const { file, noun, limits } = source;
  let before: Stats;
  try {
    before = await stat(file); // follows symlinks: a link to /dev/zero is a character device
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && missingOk) return undefined;
    throw fail(source, undefined, `Expected a ${noun} here, got ${errnoText(error)}`, error);
  }
  if (!before.isFile()) throw fail(source, undefined, `Expected the ${noun} to be a regular file, got ${fileType(before)}`);
  if (before.size > limits.maxFileBytes) throw fail(source, undefined, `Expected the ${noun} to be at most ${bytesText(limits.maxFileBytes)}, got ${bytesText(before.size)}`);
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a file swapped for a FIFO after the stat must not block the open.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fail(source, undefined, `Expected a readable ${noun}, got ${errnoText(error)}`, error);
  }
  const opened = await handle.stat().catch(() => undefined);
  if (!opened?.isFile()) {
    await handle.close();
    throw fail(source, undefined, `Expected the ${noun} to be a regular file, got ${opened ? fileType(opened) : 'something else'} when it was opened`);
  }
  return handle;
}

function fail(source: JsonLinesSource, line: number | undefined, message: string, cause?: unknown): DamagedFileError {
  return new DamagedFileError(source.code, source.file, line, message, cause === undefined ? {} : { cause });
}

// Before appending to a JSON-lines file a crash may have cut short: the torn last line is cut
// off, so the next line starts on a line of its own and the file stays readable. Returns how
// many bytes were dropped (0 when the file ends with a newline or is empty).
export async function dropTornLastLine(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat();
  if (size === 0) return 0;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) {
      const keep = start + at + 1;
      if (keep < size) await handle.truncate(keep);
      return size - keep;
    }
    end = start;
  }
  await handle.truncate(0);
  return size;
}
