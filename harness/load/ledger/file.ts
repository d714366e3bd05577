import { open, readFile } from 'node:fs/promises';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import { Ledger } from './ledger.js';

const MAGIC = 'KDLEDGR1';
export const LEDGER_FILE = 'ledger.bin';

// Binary, fsynced: magic, count (u32), node-name table (JSON, length-prefixed), then the four
// columns in id order (sentAt f64, endAt f64, outcome u8, node u8). 18 bytes a write.
export async function saveLedger(ledger: Ledger, file: string): Promise<void> {
  const { count, nodes, chunks } = ledger.columns();
  const names = Buffer.from(JSON.stringify(nodes));
  const header = Buffer.alloc(8 + 4 + 4);
  header.write(MAGIC, 0, 'ascii');
  header.writeUInt32LE(count, 8);
  header.writeUInt32LE(names.length, 12);
  const handle = await open(file, 'w', 0o644);
  try {
    await handle.write(header);
    await handle.write(names);
    for (const column of ['sentAt', 'endAt', 'outcome', 'node'] as const) {
      let left = count;
      for (const chunk of chunks) {
        if (left <= 0) break;
        const n = Math.min(left, chunk[column].length);
        const array = chunk[column];
        await handle.write(new Uint8Array(array.buffer, array.byteOffset, n * array.BYTES_PER_ELEMENT));
        left -= n;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// @throws KdrillError JOURNAL_CORRUPT when the file is not a complete kdrill ledger.
export async function loadLedger(file: string): Promise<Ledger> {
  const data = await readFile(file);
  if (data.length < 16 || data.toString('ascii', 0, 8) !== MAGIC) throw new KdrillError(ErrorCode.JOURNAL_CORRUPT, `${file} is not a kdrill ledger`);
  const count = data.readUInt32LE(8);
  const namesLength = data.readUInt32LE(12);
  const nodes = JSON.parse(data.toString('utf8', 16, 16 + namesLength)) as string[];
  const start = 16 + namesLength;
  if (data.length !== start + count * 18) throw new KdrillError(ErrorCode.JOURNAL_CORRUPT, `${file} is truncated: ${data.length} bytes for ${count} writes`);
  // Copy into aligned buffers (a file offset need not be a multiple of 8).
  const column = (offset: number, bytes: number) => data.subarray(start + offset, start + offset + count * bytes);
  const sentAt = new Float64Array(new Uint8Array(column(0, 8)).buffer);
  const endAt = new Float64Array(new Uint8Array(column(count * 8, 8)).buffer);
  const outcome = column(count * 16, 1);
  const node = column(count * 17, 1);
  return Ledger.fromColumns(count, nodes, (chunk, i, length) => {
    const from = i * chunk.sentAt.length;
    chunk.sentAt.set(sentAt.subarray(from, from + length));
    chunk.endAt.set(endAt.subarray(from, from + length));
    chunk.outcome.set(outcome.subarray(from, from + length));
    chunk.node.set(node.subarray(from, from + length));
  });
}
