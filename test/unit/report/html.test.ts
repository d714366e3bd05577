import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { htmlReporter } from '../../../harness/report/html/index.js';
import { failedRunEntries, inputFrom, passedRunEntries } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';

describe('html reporter', () => {
  const tmp = useTmpDirs();

  it('opens with a verdict banner coloured by status', async () => {
    const [file] = await htmlReporter.render(inputFrom(failedRunEntries()), await tmp());
    const html = await readFile(file!, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toMatch(/<header class="banner" style="background:#cf222e">\n<h1>ERRORED<\/h1>/);
    expect(html.indexOf('<h1>ERRORED</h1>')).toBeLessThan(html.indexOf('<h2>Targets</h2>'));
    expect(html).toContain('<h2>Steps</h2>');
    expect(html).toContain('<h2>Faults</h2>');
    const passed = await readFile((await htmlReporter.render(inputFrom(passedRunEntries()), await tmp()))[0]!, 'utf8');
    expect(passed).toMatch(/style="background:#1a7f37">\n<h1>PASSED<\/h1>/);
  });

  it('escapes a step name that looks like a script, and loads nothing from elsewhere', async () => {
    const [file] = await htmlReporter.render(inputFrom(failedRunEntries()), await tmp());
    const html = await readFile(file!, 'utf8');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
