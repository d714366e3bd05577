import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputFileError, readInputFile } from '../../../harness/common/input-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

function refusal(file: string, max?: number): string {
  try {
    readInputFile(file, 'topology', max);
  } catch (error) {
    expect(error).toBeInstanceOf(InputFileError);
    return (error as Error).message;
  }
  throw new Error(`${file} was read`);
}

describe('readInputFile', () => {
  it('reads a small UTF-8 file whole', () => {
    writeFileSync(at('ok.yaml'), 'zones: [ä]\n');
    expect(readInputFile(at('ok.yaml'), 'topology')).toBe('zones: [ä]\n');
  });

  it('refuses what is not a regular file before reading a byte, and says what it is', () => {
    execFileSync('mkfifo', [at('fifo')]);
    mkdirSync(at('folder'));
    symlinkSync('/dev/zero', at('zero'));
    expect(refusal(at('fifo'))).toBe(`Cannot read the topology file ${at('fifo')}: expected a regular file, got a FIFO`);
    expect(refusal(at('folder'))).toMatch(/got a directory$/);
    expect(refusal(at('zero'))).toMatch(/got a character device$/);
    expect(refusal(at('missing'))).toMatch(/: no such file$/);
  });

  it('refuses a file over the limit by its size, and binary or non-UTF-8 text', () => {
    writeFileSync(at('big'), 'x'.repeat(2049));
    expect(refusal(at('big'), 2048)).toMatch(/expected at most 2 KiB, got 2049 bytes$/);
    writeFileSync(at('nul'), Buffer.from([0x61, 0, 0x62]));
    expect(refusal(at('nul'))).toMatch(/binary data \(a NUL byte\)$/);
    writeFileSync(at('latin1'), Buffer.from([0x61, 0xe9, 0x0a]));
    expect(refusal(at('latin1'))).toMatch(/not UTF-8$/);
  });
});
