import { closeSync, fstatSync, openSync, readSync, statSync, constants } from 'node:fs';
import { UsageError } from './errors.js';
import { bytesText, errnoText, fileType } from './file-facts.js';

// Input files kdrill reads (scenario, tier policy, topology, k6 script) are small text files:
// anything else is refused before a byte is read, so /dev/zero, a FIFO or a 10 GB file cannot
// hang validation or eat memory.
export const INPUT_LIMITS = {
  scenario: 1024 * 1024,
  'tier policy': 256 * 1024,
  topology: 64 * 1024,
  'k6 script': 1024 * 1024,
} as const;
export type InputKind = keyof typeof INPUT_LIMITS;

export class InputFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`Cannot read the ${reason}`);
  }
}

// The whole text of a regular file of at most `maxBytes`.
// @throws InputFileError naming the file and why (missing, not a regular file, too large, not UTF-8 text).
export function readInputFile(file: string, kind: InputKind, maxBytes: number = INPUT_LIMITS[kind]): string {
  const fail = (why: string): never => {
    throw new InputFileError(file, `${kind} file ${file}: ${why}`);
  };
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    return fail(errnoText(error));
  }
  if (!stat.isFile()) return fail(`expected a regular file, got ${fileType(stat)}`);
  if (stat.size > maxBytes) return fail(`expected at most ${bytesText(maxBytes)}, got ${bytesText(stat.size) === bytesText(maxBytes) ? `${stat.size} bytes` : bytesText(stat.size)}`);
  let fd: number;
  try {
    // O_NONBLOCK: a file swapped for a FIFO between stat and open must not block the open.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return fail(errnoText(error));
  }
  try {
    if (!fstatSync(fd).isFile()) return fail('expected a regular file, got something else when opened');
    // One byte more than allowed tells a file that grew after stat from one that fits.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return fail(`expected at most ${bytesText(maxBytes)}, got more (it grew while read)`);
    }
    const bytes = buffer.subarray(0, length);
    if (bytes.includes(0)) return fail('expected UTF-8 text, got binary data (a NUL byte)');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fail('expected UTF-8 text, got bytes that are not UTF-8');
    }
  } finally {
    closeSync(fd);
  }
}
