import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonReporter, RESULT_FILE, type ResultDocument } from '../../../harness/report/json/index.js';
import { failedRunEntries, inputFrom } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';

describe('json reporter', () => {
  const tmp = useTmpDirs();

  it('writes result.json with schemaVersion 1 that round-trips the result', async () => {
    const dir = await tmp();
    const input = inputFrom(failedRunEntries());
    const files = await jsonReporter.render(input, dir);
    expect(files).toEqual([path.join(dir, RESULT_FILE)]);
    const text = await readFile(files[0]!, 'utf8');
    expect(text).toContain('\n  "schemaVersion": 1,'); // pretty-printed
    const doc = JSON.parse(text) as ResultDocument;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.kdrillVersion).toBe('0.1.0');
    expect(doc.scenario).toMatchObject({ name: 'primary-kill', backend: 'fake', tier: 'tier1' });
    expect(doc.targets).toEqual(input.plan.targets);
    expect(doc.result.status).toBe('errored');
    expect(doc.result.steps).toEqual(JSON.parse(JSON.stringify(input.result.steps)));
    expect(doc.result.faults).toEqual([{ id: 'f1', step: 's1', type: 'pod-kill', armedAt: 1110, injectedAt: 1120, revertedAt: 1920 }]);
    expect(doc.result.error?.message).toBe('backend said: password=[redacted]');
  });
});
