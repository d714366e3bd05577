import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DamagedFileError, ErrorCode, printable, quoteText } from '../../../harness/common/errors.js';
import { bytesText, parseJsonText, readJsonLines, type RawLine } from '../../../harness/common/jsonl-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kdrill-jsonl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const source = (file: string, limits = { maxLineBytes: 1024, maxFileBytes: 1024 * 1024, maxNesting: 8 }) => ({ file, noun: 'test file', code: ErrorCode.JOURNAL_CORRUPT, limits });

async function all(file: string, limits?: Parameters<typeof source>[1]): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const line of readJsonLines(source(file, limits))) out.push(line);
  return out;
}

describe('readJsonLines', () => {
  it('yields each line with its number, the last one unterminated when it has no newline', async () => {
    const file = path.join(dir, 'f');
    await writeFile(file, 'a\n\nbé\nc');
    expect(await all(file)).toEqual([
      { line: 1, text: 'a', terminated: true, utf8: true },
      { line: 2, text: '', terminated: true, utf8: true },
      { line: 3, text: 'bé', terminated: true, utf8: true },
      { line: 4, text: 'c', terminated: false, utf8: true },
    ]);
  });

  it('joins a line that spans read chunks', async () => {
    const file = path.join(dir, 'f');
    const long = 'x'.repeat(600 * 1024);
    await writeFile(file, `${long}\nend\n`);
    const lines = await all(file, { maxLineBytes: 1024 * 1024, maxFileBytes: 2 * 1024 * 1024, maxNesting: 8 });
    expect(lines.map((l) => l.text.length)).toEqual([long.length, 3]);
  });

  it('stops a file that grows past the limit while it is read', async () => {
    const file = path.join(dir, 'f');
    const line = `${'y'.repeat(1023)}\n`;
    await writeFile(file, line.repeat(200)); // 200 KiB: within the limit when opened
    const limits = { maxLineBytes: 1024, maxFileBytes: 300 * 1024, maxNesting: 8 };
    const read = async () => {
      let grown = false;
      for await (const _ of readJsonLines(source(file, limits))) {
        if (!grown) await appendFile(file, line.repeat(200));
        grown = true;
      }
    };
    const error = await read().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DamagedFileError);
    expect((error as DamagedFileError).shortMessage).toBe(`${file}: Expected the test file to be at most 300 KiB, got more (it grew while it was read)`);
  });

  it('a missing file: an error, or no lines with missingOk', async () => {
    const file = path.join(dir, 'none');
    await expect(all(file)).rejects.toMatchObject({ file, line: undefined, shortMessage: `${file}: Expected a test file here, got no such file` });
    const lines: RawLine[] = [];
    for await (const l of readJsonLines(source(file), { missingOk: true })) lines.push(l);
    expect(lines).toEqual([]);
  });
});

describe('parseJsonText, printable, quoteText', () => {
  it('parses JSON, and refuses nesting past the limit before parsing', () => {
    expect(parseJsonText('{"a":[1,{"b":2}]}', 3)).toEqual({ ok: true, value: { a: [1, { b: 2 }] } });
    expect(parseJsonText('{"a":[1,{"b":[2]}]}', 3)).toEqual({ ok: false, why: 'nested more than 3 levels deep' });
    // Brackets inside strings (and escaped quotes) do not count.
    expect(parseJsonText('{"a":"[[[[\\"[[[["}', 1)).toEqual({ ok: true, value: { a: '[[[["[[[[' } });
    expect(parseJsonText('{oops', 3)).toMatchObject({ ok: false, why: expect.stringMatching(/^not JSON: /) });
  });

  it('shows control characters escaped (JSON style) and quotes at most 60 characters', () => {
    expect(printable('a\u0000b\u001b[2J\u007f\u0085\u009fé\t')).toBe('a\\u0000b\\u001b[2J\\u007f\\u0085\\u009fé\t');
    expect(quoteText('x'.repeat(100))).toBe(`\`${'x'.repeat(59)}…\``);
    expect(quoteText('\u0007')).toBe('`\\u0007`');
  });

  it('says sizes in words', () => {
    expect([bytesText(12), bytesText(1536), bytesText(8 * 1024 * 1024)]).toEqual(['12 bytes', '1.5 KiB', '8 MiB']);
  });
});
