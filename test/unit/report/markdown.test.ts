import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { markdownReporter } from '../../../harness/report/markdown/index.js';
import { failedRunEntries, inputFrom, passedRunEntries } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';

describe('markdown reporter', () => {
  const tmp = useTmpDirs();

  it('starts with the verdict word, then targets, steps and faults tables', async () => {
    const [file] = await markdownReporter.render(inputFrom(failedRunEntries()), await tmp());
    const text = await readFile(file!, 'utf8');
    expect(text.split('\n')[0]).toBe('# ERRORED: primary-kill');
    expect(text).toContain('| target | required | measured | verdict | how derived |');
    expect(text).toContain('| RTO | ≤ 1m | not measured | not measured | not measured: the run produced no such measurement |');
    expect(text).toContain('| s2 | wait for new leader | wait | fail | +200ms (10:00:00.200Z) | +700ms (10:00:00.700Z) | 500ms | STEP_FAILED: no leader after 500ms: password=[redacted] rejected |');
    expect(text).toContain('| s4 | s4 | pause | not run |');
    expect(text).toContain('| f1 | s1 | pod-kill | +110ms (10:00:00.110Z) | +120ms (10:00:00.120Z) | +920ms (10:00:00.920Z) |');
    // A step name cannot open raw HTML or break the table.
    expect(text).toContain('&lt;script&gt;alert("x")&lt;/script&gt;');
    expect(text).not.toContain('<script>');
  });

  it('says PASSED first for a passed run', async () => {
    const [file] = await markdownReporter.render(inputFrom(passedRunEntries()), await tmp());
    expect((await readFile(file!, 'utf8')).startsWith('# PASSED: primary-kill\n')).toBe(true);
  });

  it('never claims a target was met when none was measured', async () => {
    const [file] = await markdownReporter.render(inputFrom(passedRunEntries()), await tmp());
    const text = await readFile(file!, 'utf8');
    expect(text).toContain('no target was measured (RTO, RPO');
    expect(text).not.toContain('every measured target was met');
  });
});
