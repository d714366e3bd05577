import { readdirSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRunForReport } from '../../../harness/report/load-run.js';
import { filesToShow, renderReports, REPORTERS, type Reporter, type ReportFormat } from '../../../harness/report/api.js';
import { REPORT_FORMATS } from '../../../harness/scenario/schema/report.js';
import { failedRunEntries, inputFrom, makePlan, SECRET } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';

const REPORT_DIR = fileURLToPath(new URL('../../../harness/report/', import.meta.url));

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    out.push(...(entry.isDirectory() ? await filesUnder(full) : [full]));
  }
  return out;
}

describe('report registry', () => {
  const tmp = useTmpDirs();

  it('has one folder per reporter, and a reporter for every format a scenario may ask for', () => {
    const folders = readdirSync(REPORT_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders).toEqual([...REPORTERS.keys()].sort());
    expect([...REPORTERS.keys()].sort()).toEqual([...REPORT_FORMATS].sort());
    for (const [format, reporter] of REPORTERS) expect(reporter.format).toBe(format);
  });

  it('renders every format; one that throws is recorded and does not stop the others', async () => {
    const dir = await tmp();
    const broken: Reporter = {
      format: 'html',
      render: () => {
        throw new Error('disk on fire');
      },
    };
    const reporters = new Map<ReportFormat, Reporter>([...REPORTERS, ['html', broken]]);
    const outcomes = await renderReports(inputFrom(failedRunEntries()), [...REPORT_FORMATS], dir, reporters);
    expect(outcomes.map((o) => o.format)).toEqual([...REPORT_FORMATS]);
    const html = outcomes.find((o) => o.format === 'html')!;
    expect(html.files).toEqual([]);
    expect(html.error?.message).toBe('disk on fire');
    for (const o of outcomes.filter((o) => o.format !== 'html')) {
      expect(o.error).toBeUndefined();
      expect(o.files.length).toBeGreaterThan(0);
      for (const f of o.files) expect((await stat(f)).isFile()).toBe(true);
    }
  });

  it('redacts a password in a step detail, a step error and the run error in every format', async () => {
    const dir = await tmp();
    const input = inputFrom(failedRunEntries());
    expect(JSON.stringify(input)).toContain(SECRET);
    const outcomes = await renderReports(input, [...REPORT_FORMATS], dir);
    expect(outcomes.every((o) => !o.error)).toBe(true);
    const files = await filesUnder(dir);
    expect(files.length).toBeGreaterThanOrEqual(REPORT_FORMATS.length);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toContain(SECRET);
    }
    // The detail is shown, with the secret masked.
    const summary = await readFile(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('postgres://kdrill:[redacted]@db:5432/kdrill');
    expect(summary).toContain('"password":"[redacted]"');
  });
});

describe('readRunForReport (kdrill report)', () => {
  const tmp = useTmpDirs();

  it('rebuilds the report input from journal.jsonl alone', async () => {
    const dir = await tmp();
    const entries = failedRunEntries();
    await writeFile(path.join(dir, 'journal.jsonl'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const { input } = await readRunForReport(dir);
    expect(input.plan).toEqual(JSON.parse(JSON.stringify(makePlan())));
    expect(input.entries).toHaveLength(entries.length);
    expect(input.result).toMatchObject({ runId: 'run-1', status: 'errored', journalPath: path.join(dir, 'journal.jsonl'), durationMs: 1000 });
    const outcomes = await renderReports(input, ['json', 'markdown'], path.join(dir, 'again'));
    expect(outcomes.every((o) => o.files.length === 1 && !o.error)).toBe(true);
  });
});

describe('filesToShow', () => {
  it('names a directory of results once, and a file written elsewhere beside it', () => {
    expect(filesToShow({ format: 'json', files: ['/r/result.json'] })).toEqual(['/r/result.json']);
    expect(filesToShow({ format: 'allure', files: ['/r/allure-results/a.json', '/r/allure-results/b.json', '/r/allure-results/environment.properties'] })).toEqual(['/r/allure-results']);
    expect(filesToShow({ format: 'allure-html', files: ['/r/allure-results/a.json', '/r/allure-results/b.json', '/r/allure-results/c.json', '/r/allure-report/index.html'] })).toEqual(['/r/allure-results', '/r/allure-report/index.html']);
  });
});
