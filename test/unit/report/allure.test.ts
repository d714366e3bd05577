import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestResult as AllureResult } from 'allure-js-commons';
import { ALLURE_DIR, allureReporter } from '../../../harness/report/allure/index.js';
import { failedRunEntries, inputFrom, WALL } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';

async function results(dir: string): Promise<AllureResult[]> {
  const names = (await readdir(path.join(dir, ALLURE_DIR))).filter((n) => n.endsWith('-result.json'));
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(dir, ALLURE_DIR, n), 'utf8')) as AllureResult));
}

describe('allure reporter', () => {
  const tmp = useTmpDirs();

  it('writes one valid result file per case, plus environment.properties', async () => {
    const dir = await tmp();
    const files = await allureReporter.render(inputFrom(failedRunEntries()), dir);
    const written = (await readdir(path.join(dir, ALLURE_DIR))).sort();
    expect(written).toEqual(files.map((f) => path.basename(f)).sort());
    expect(written.filter((n) => n.endsWith('-result.json'))).toHaveLength(8); // 4 steps, 2 targets, 1 verification, the run
    expect(written).toContain('environment.properties');
    expect(written).toContain('categories.json');
    const all = await results(dir);
    for (const r of all) {
      expect(`${r.uuid}-result.json`).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-result\.json$/);
      expect(r.stage).toBe('finished');
      expect(r.labels).toEqual(expect.arrayContaining([{ name: 'suite', value: 'primary-kill' }, { name: 'tag', value: 'tier1' }]));
      expect(r.historyId).toMatch(/^[0-9a-f]{32}$/);
      expect(r.stop).toBeGreaterThanOrEqual(r.start!);
    }
    const s2 = all.find((r) => r.name === 's2 wait for new leader')!;
    const t0 = Date.parse(WALL);
    expect(s2).toMatchObject({ status: 'failed', start: t0 + 200, stop: t0 + 700, fullName: 'primary-kill.step.s2 wait for new leader' });
    expect(all.find((r) => r.name === 's4 pause')!.status).toBe('skipped');
    expect(all.find((r) => r.name === 'run ERRORED')!.status).toBe('broken');
    const env = await readFile(path.join(dir, ALLURE_DIR, 'environment.properties'), 'utf8');
    expect(env).toContain('scenario=primary-kill\n');
    expect(env).toContain('status=errored\n');
  });

  it('keeps uuids and history ids stable, so re-rendering overwrites', async () => {
    const dir = await tmp();
    const input = inputFrom(failedRunEntries());
    const first = await allureReporter.render(input, dir);
    const second = await allureReporter.render(input, dir);
    expect(second).toEqual(first);
    expect((await results(dir)).length).toBe(8);
  });
});
