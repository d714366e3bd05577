import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KdrillError } from '../../../harness/common/errors.js';
import { createFakeBackend } from '../../../harness/backends/fake/index.js';
import { FakeClock } from '../../../harness/testing/fake-clock.js';
import { FileJournal, parseJournal, readJournal, stampedJournal, teeJournal } from '../../../harness/journal/journal.js';
import { MemoryJournal } from '../../../harness/testing/memory-journal.js';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { resultFromJournal, statusFromJournal } from '../../../harness/engine/result.js';
import { runDrill } from '../../../harness/engine/run.js';
import { fakeTarget, plan } from '../../helpers/plan-builder.js';
import { metTargets } from '../../helpers/drill.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kdrill-journal-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const abort = (at: number, reason = 'x'): JournalEntry => ({ kind: 'abort', at, reason });

describe('FileJournal', () => {
  it('writes one JSON line per entry, in call order, each fsynced before append resolves', async () => {
    const file = path.join(dir, 'journal.jsonl');
    const probe = await open(path.join(dir, 'probe'), 'w');
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as { sync(): Promise<void> }, 'sync');
    await probe.close();
    const journal = await FileJournal.open(file);

    await Promise.all([1, 2, 3, 4, 5].map((at) => journal.append(abort(at, `reason ${at}`))));
    expect(sync).toHaveBeenCalledTimes(5);
    await journal.close();

    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as JournalEntry)).toEqual([1, 2, 3, 4, 5].map((at) => abort(at, `reason ${at}`)));
  });

  it('refuses to overwrite an existing journal, but reopens one for appending', async () => {
    const file = path.join(dir, 'journal.jsonl');
    await writeFile(file, `${JSON.stringify(abort(1))}\n`);
    await expect(FileJournal.open(file)).rejects.toMatchObject({ code: 'RUN_DIR' });
    const again = await FileJournal.open(file, { append: true });
    await again.append(abort(2));
    await again.close();
    expect((await readJournal(file)).entries.map((e) => e.at)).toEqual([1, 2]);
  });

  it('redacts secrets before they reach the disk', async () => {
    const file = path.join(dir, 'journal.jsonl');
    const journal = await FileJournal.open(file);
    await journal.append({ kind: 'step-complete', at: 1, step: 's1', outcome: 'ok', detail: { password: 'hunter2', dsn: 'postgres://app:hunter2@db/x' } });
    await journal.close();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('[redacted]');
  });

  it('rejects appends after close; close is idempotent', async () => {
    const journal = await FileJournal.open(path.join(dir, 'journal.jsonl'));
    await journal.close();
    await journal.close();
    await expect(journal.append(abort(1))).rejects.toBeInstanceOf(KdrillError);
  });

  it('holds a whole fake drill whose status and result are recomputable from the file alone', async () => {
    const file = path.join(dir, 'journal.jsonl');
    const journal = await FileJournal.open(file);
    const clock = new FakeClock({ auto: true });
    const { backend } = createFakeBackend();
    const p = plan().fault('node-crash', { node: 'a-1' }).wait('service-restored').pause(5_000).fault('zone-outage', { zone: 'c' }).pause(1_000).build();
    const result = await runDrill(p, { backend, target: fakeTarget(), clock, journal, runId: 'r1', runDir: dir, observer: metTargets });
    await journal.close();

    const read = await readJournal(file);
    expect(read.truncated).toBeUndefined();
    expect(statusFromJournal(read.entries)).toBe('passed');
    expect(resultFromJournal(read.entries, file)).toEqual(result);
    const ats = read.entries.map((e) => e.at);
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    for (const line of (await readFile(file, 'utf8')).trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('readJournal / parseJournal', () => {
  const good = [abort(1), abort(2), abort(3)].map((e) => JSON.stringify(e)).join('\n');

  it('reads every complete line', async () => {
    const file = path.join(dir, 'j.jsonl');
    await writeFile(file, `${good}\n`);
    expect(await readJournal(file)).toEqual({ entries: [abort(1), abort(2), abort(3)] });
  });

  it('tolerates a last line cut short by a crash, and reports it', () => {
    const cut = `${good}\n{"kind":"fault-armed","at":4,"fau`;
    expect(parseJournal(cut)).toEqual({ entries: [abort(1), abort(2), abort(3)], truncated: { line: 4, text: '{"kind":"fault-armed","at":4,"fau' } });
  });

  it('names the line of a bad line in the middle', () => {
    const bad = `${JSON.stringify(abort(1))}\n{oops\n${JSON.stringify(abort(3))}\n`;
    expect(() => parseJournal(bad, 'run/journal.jsonl')).toThrow(/^run\/journal\.jsonl:2: Expected line 2 to be a journal entry \(a JSON object\), got `\{oops` \(not JSON: /);
    const error = (() => {
      try {
        parseJournal(bad);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toMatchObject({ code: 'JOURNAL_CORRUPT', file: 'journal', line: 2 });
    expect((error as KdrillError).shortMessage).toMatch(/^journal:2: Expected line 2 to be a journal entry \(a JSON object\), got `\{oops` \(not JSON: .*\)$/);
  });

  it('refuses a bad last line that was completely written, and lines that are not entries', () => {
    expect(() => parseJournal(`${good}\n{oops\n`)).toThrow(/^journal:4: Expected line 4 to be a journal entry \(a JSON object\), got `\{oops` \(not JSON/);
    expect(() => parseJournal(`${good}\n[1,2]\n`)).toThrow('journal:4: Expected a journal entry (a JSON object with `kind` and `at`), got `[1,2]` (array)');
    expect(() => parseJournal(`${good}\n\n${good}\n`)).toThrow('journal:4: Expected a journal entry on line 4, got an empty line');
  });

  it('says when the file cannot be read', async () => {
    const file = path.join(dir, 'missing.jsonl');
    await expect(readJournal(file)).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT', shortMessage: `${file}: Expected a run journal here, got no such file` });
  });
});

describe('MemoryJournal, stampedJournal, teeJournal', () => {
  it('stamps entries with the clock at the call, so `at` never decreases', async () => {
    const memory = new MemoryJournal();
    const clock = new FakeClock({ start: 100 });
    const journal = stampedJournal(memory, clock, 5);
    await journal.append(abort(999));
    await clock.advance(10);
    await journal.record({ kind: 'signal', signal: 'SIGINT' });
    expect(memory.entries).toEqual([abort(105), { kind: 'signal', at: 115, signal: 'SIGINT' }]);
  });

  it('keeps what a file would hold: redacted JSON', async () => {
    const memory = new MemoryJournal();
    await memory.append({ kind: 'abort', at: 1, reason: 'token=abc123 leaked' });
    expect(memory.entries[0]).toEqual({ kind: 'abort', at: 1, reason: 'token=[redacted] leaked' });
    expect(JSON.parse(memory.lines[0]!)).toEqual(memory.entries[0]);
  });

  it('tells a listener about each entry once it is written', async () => {
    const seen: string[] = [];
    const memory = new MemoryJournal();
    const tee = teeJournal(memory, (e) => seen.push(`${e.kind}:${memory.entries.length}`));
    await tee.append(abort(1));
    expect(seen).toEqual(['abort:1']);
  });
});
