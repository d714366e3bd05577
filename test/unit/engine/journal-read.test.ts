import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DamagedFileError, ErrorCode } from '../../../harness/common/errors.js';
import { JOURNAL_LIMITS, parseJournal, readJournal } from '../../../harness/journal/journal.js';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { exitCodeForError } from '../../../harness/cli/errors-to-exit.js';
import { ExitCode } from '../../../harness/cli/exit-codes.js';
import { failedRunEntries, passedRunEntries } from '../report/journal-builder.js';

// readJournal as invalid input: every problem is a DamagedFileError (JOURNAL_CORRUPT, exit 2)
// whose message starts with file:line, says what was expected and quotes what was given.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kdrill-journal-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (...entries: unknown[]) => entries.map((e) => `${typeof e === 'string' ? e : JSON.stringify(e)}\n`).join('');
const start = () => passedRunEntries()[0]!;

// The error readJournal rejects with, checked to be invalid input.
async function refusal(file: string, limits = JOURNAL_LIMITS): Promise<DamagedFileError> {
  const error = await readJournal(file, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DamagedFileError);
  expect(error).toMatchObject({ code: ErrorCode.JOURNAL_CORRUPT, file });
  expect(exitCodeForError(error)).toBe(ExitCode.invalidInput);
  return error as DamagedFileError;
}

async function journalWith(text: string | Buffer): Promise<string> {
  const file = path.join(dir, 'journal.jsonl');
  await writeFile(file, text);
  return file;
}

describe('readJournal: the file', () => {
  it('refuses a missing file, naming it', async () => {
    const file = path.join(dir, 'journal.jsonl');
    expect((await refusal(file)).shortMessage).toBe(`${file}: Expected a run journal here, got no such file`);
  });

  it('reads an empty file as no entries (kdrill report refuses it; cleanup has nothing to do)', async () => {
    expect(await readJournal(await journalWith(''))).toEqual({ entries: [] });
  });

  it('refuses a directory, a FIFO, /dev/zero and a symlink to /dev/urandom before reading, at once', async () => {
    const fifo = path.join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    const link = path.join(dir, 'link.jsonl');
    await symlink('/dev/urandom', link);
    await mkdir(path.join(dir, 'sub'));
    const began = Date.now();
    expect((await refusal(path.join(dir, 'sub'))).shortMessage).toBe(`${path.join(dir, 'sub')}: Expected the run journal to be a regular file, got a directory`);
    expect((await refusal(fifo)).shortMessage).toBe(`${fifo}: Expected the run journal to be a regular file, got a FIFO`);
    expect((await refusal('/dev/zero')).shortMessage).toBe('/dev/zero: Expected the run journal to be a regular file, got a character device');
    expect((await refusal(link)).shortMessage).toBe(`${link}: Expected the run journal to be a regular file, got a character device`);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const file = await journalWith(lines(start(), start()));
    const limits = { ...JOURNAL_LIMITS, maxFileBytes: 100 };
    expect((await refusal(file, limits)).shortMessage).toMatch(new RegExp(`^${escape(file)}: Expected the run journal to be at most 100 bytes, got \\d+(\\.\\d)? KiB$`));
  });

  it('refuses a line over the limit (8 MiB), naming its line', async () => {
    const long = JSON.stringify({ kind: 'abort', at: 2, reason: 'x'.repeat(JOURNAL_LIMITS.maxLineBytes) });
    const file = await journalWith(lines(start(), long, { kind: 'abort', at: 3, reason: 'y' }));
    const error = await refusal(file);
    expect(error.line).toBe(2);
    expect(error.shortMessage).toBe(`${file}:2: Expected line 2 to be at most 8 MiB, got a longer line`);
    // Also when it is the last line, without a newline: it is not a cut-short write to tolerate.
    const small = { ...JOURNAL_LIMITS, maxLineBytes: 64 };
    expect((await refusal(await journalWith(`${JSON.stringify({ kind: 'abort', at: 1, reason: 'r' })}\n{"kind":"abort","at":2,"reason":"${'z'.repeat(80)}`), small)).shortMessage).toBe(
      `${file}:2: Expected line 2 to be at most 64 bytes, got a longer line`,
    );
  });

  it('refuses a binary file at line 1, quoting it without raw control characters', async () => {
    const file = await journalWith(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x01]));
    const error = await refusal(file);
    expect(error.shortMessage).toBe(`${file}:1: Expected line 1 to be UTF-8 text, got \`\uFFFDPNG\\r\` (bytes that are not UTF-8)`);
    // Valid UTF-8 that is not JSON: NUL, bell and C1 controls (U+0085) quoted as \xNN.
    const other = await journalWith(`{\u0000\u0007\u0085oops\n`);
    const quoted = await refusal(other);
    expect(quoted.shortMessage).toMatch(new RegExp(`^${escape(other)}:1: Expected line 1 to be a journal entry \\(a JSON object\\), got \`\\{\\\\u0000\\\\u0007\\\\u0085oops\` \\(not JSON: `));
    expect(quoted.shortMessage).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('quotes at most 60 characters of a bad line', async () => {
    const file = await journalWith(lines(start(), `not json ${'n'.repeat(200)}`));
    const error = await refusal(file);
    const quoted = /got `([^`]*)`/.exec(error.shortMessage)![1]!;
    expect(quoted).toHaveLength(60);
    expect(quoted.endsWith('…')).toBe(true);
    expect(error.shortMessage.startsWith(`${file}:2: Expected line 2 to be a journal entry`)).toBe(true);
  });

  it('refuses a line nested deeper than 64 levels (nothing later may run out of stack)', async () => {
    const deep = `{"kind":"abort","at":2,"reason":"x","extra":${'['.repeat(100)}${']'.repeat(100)}}`;
    const error = await refusal(await journalWith(lines(start(), deep)));
    expect(error.shortMessage).toMatch(/:2: Expected line 2 to be a journal entry \(a JSON object\), got `.*` \(nested more than 64 levels deep\)$/);
  });
});

describe('readJournal: the entries', () => {
  it('refuses a JSON line that is not an object: a string, an array, a number, null', async () => {
    for (const [value, shown] of [['"hello"', '`"hello"` (string)'], ['[1,2]', '`[1,2]` (array)'], ['42', '`42` (number)'], ['null', '`null`']] as const) {
      const file = await journalWith(lines(start(), value));
      expect((await refusal(file)).shortMessage).toBe(`${file}:2: Expected a journal entry (a JSON object with \`kind\` and \`at\`), got ${shown}`);
    }
  });

  it('refuses an entry of an unknown kind, suggesting the nearest', async () => {
    const file = await journalWith(lines(start(), { kind: 'run-ended', at: 5, status: 'passed' }));
    expect((await refusal(file)).shortMessage).toBe(`${file}:2: Expected \`kind\` to be a journal entry kind ("run-start", "step-invoke", "step-complete", … 24 in all), got \`"run-ended"\` (string); did you mean "run-end"?`);
    const none = await journalWith(lines(start(), { at: 5 }));
    expect((await refusal(none)).shortMessage).toMatch(/:2: Expected `kind` to be a journal entry kind \(.*\), got nothing$/);
  });

  it('refuses a run-start without runId, or without the scenario name, naming the field', async () => {
    const { runId: _, ...noRunId } = start() as JournalEntry & { runId: string };
    const file = await journalWith(lines(noRunId));
    expect((await refusal(file)).shortMessage).toBe(`${file}:1: run-start entry: Expected \`runId\` (required) to be a string, got nothing`);
    const plan = (start() as Extract<JournalEntry, { kind: 'run-start' }>).plan;
    const noScenario = { ...start(), plan: { ...plan, scenario: { file: 'x.yaml' } } };
    expect((await refusal(await journalWith(lines(noScenario)))).shortMessage).toBe(`${file}:1: run-start entry: Expected \`plan.scenario.name\` (required) to be a string, got nothing`);
    const noPlan = { ...start(), plan: undefined };
    expect((await refusal(await journalWith(lines(noPlan)))).shortMessage).toBe(`${file}:1: run-start entry: Expected \`plan\` (required) to be an object, got nothing`);
  });

  it('refuses fields of the wrong type, quoting the value', async () => {
    const file = await journalWith(lines(start(), { kind: 'step-invoke', at: '10', step: 's1', op: 'pause' }));
    expect((await refusal(file)).shortMessage).toBe(`${file}:2: step-invoke entry: Expected \`at\` to be a number, got \`"10"\` (string)`);
    const outcome = await journalWith(lines(start(), { kind: 'step-complete', at: 10, step: 's1', outcome: 'maybe' }));
    expect((await refusal(outcome)).shortMessage).toBe(`${file}:2: step-complete entry: Expected \`outcome\` to be one of "ok", "fail", "info", got \`"maybe"\` (string)`);
    const ids = await journalWith(lines(start(), { kind: 'measurement', at: 9, name: 'lost-writes', value: 2, unit: 'writes', why: 'x', from: [], evidence: { ids: 'one,two' } }));
    expect((await refusal(ids)).shortMessage).toBe(`${file}:2: measurement entry: Expected \`evidence.ids\` to be a list of write ids (numbers)`);
  });

  it('keeps unknown extra fields, so a later kdrill may add some', async () => {
    const entry = { kind: 'abort', at: 3, reason: 'x', addedLater: { by: 'v2' } };
    const { entries } = await readJournal(await journalWith(lines(start(), entry)));
    expect(entries[1]).toEqual(entry);
  });

  it('reads back every entry of the report fixtures unchanged', async () => {
    for (const fixture of [passedRunEntries(), failedRunEntries()]) {
      const { entries } = await readJournal(await journalWith(lines(...fixture)));
      expect(entries).toEqual(JSON.parse(JSON.stringify(fixture)));
    }
  });

  it('tolerates only the last line cut short, also inside a character; damage elsewhere is an error', async () => {
    const good = lines(start(), { kind: 'abort', at: 2, reason: 'x' });
    expect(await readJournal(await journalWith(`${good}{"kind":"abort","at":3,"rea`))).toMatchObject({ entries: [{ kind: 'run-start' }, { kind: 'abort' }], truncated: { line: 3, text: '{"kind":"abort","at":3,"rea' } });
    const cutInCharacter = Buffer.concat([Buffer.from(`${good}{"kind":"abort","at":3,"reason":"`), Buffer.from('é').subarray(0, 1)]);
    expect((await readJournal(await journalWith(cutInCharacter))).truncated?.line).toBe(3);
    // The same bytes with the newline written are damage, not a crash mid-write.
    const file = await journalWith(`${good}{"kind":"abort","at":3,"rea\n`);
    const error = await refusal(file);
    expect(error.line).toBe(3);
    expect(error.shortMessage).toMatch(new RegExp(`^${escape(file)}:3: Expected line 3 to be a journal entry`));
    // A complete last line without its newline is an entry, and checked like one.
    expect((await refusal(await journalWith(`${good}{"kind":"abort","at":3}`))).shortMessage).toBe(`${file}:3: abort entry: Expected \`reason\` (required) to be a string, got nothing`);
  });

  it('parseJournal applies the same checks to text', () => {
    expect(() => parseJournal(lines(start(), 7), 'run/journal.jsonl')).toThrow('run/journal.jsonl:2: Expected a journal entry (a JSON object with `kind` and `at`), got `7` (number)');
    expect(() => parseJournal(`${'x'.repeat(100)}\n`, 'j', { ...JOURNAL_LIMITS, maxLineBytes: 10 })).toThrow('j:1: Expected line 1 to be at most 10 bytes, got a longer line');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('FileJournal reopened to append (kdrill cleanup)', () => {
  it('cuts off a last line a crash left half-written, so the journal stays readable', async () => {
    const { mkdtemp, writeFile: write, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { FileJournal, readJournal } = await import('../../../harness/journal/journal.js');
    const dir = await mkdtemp(join(tmpdir(), 'kdrill-torn-'));
    try {
      const file = join(dir, 'journal.jsonl');
      const first = { kind: 'phase', at: 1, phase: 'warm-up' };
      await write(file, `${JSON.stringify(first)}\n{"kind":"phase","at":2,"pha`);
      const journal = await FileJournal.open(file, { append: true });
      await journal.append({ kind: 'phase', at: 3, phase: 'cleanup' } as never);
      await journal.close();
      const { entries } = await readJournal(file);
      expect(entries.map((e) => e.at)).toEqual([1, 3]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
