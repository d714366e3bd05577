import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { htmlReporter } from '../../../harness/report/html/index.js';
import { markdownReporter } from '../../../harness/report/markdown/index.js';
import type { JournalEntry } from '../../../harness/journal/index.js';
import { failedRunEntries, inputFrom, makePlan, passedRunEntries } from './journal-builder.js';
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

describe('a failed drill at a glance', () => {
  const tmp = useTmpDirs();
  // The errored run, having also lost 25 acknowledged writes.
  const lossy = () => {
    const entries = failedRunEntries();
    entries.splice(entries.length - 1, 0, { kind: 'measurement', at: 1_990, name: 'lost-writes', value: 25, unit: 'writes', why: '25 acknowledged writes missing after recovery', evidence: { ids: Array.from({ length: 20 }, (_, i) => 101 + i), listed: 20 }, from: [] });
    return entries;
  };

  it('says what went wrong right under the verdict, naming the lost writes by id', async () => {
    const html = await readFile((await htmlReporter.render(inputFrom(lossy()), await tmp()))[0]!, 'utf8');
    const box = /<section class="problems"><h2>What went wrong<\/h2><ul>(.*?)<\/ul><\/section>/.exec(html);
    expect(box).not.toBeNull();
    expect(html.indexOf('<section class="problems">')).toBeLessThan(html.indexOf('<h2>Targets</h2>'));
    expect(box![1]).toContain('<li>s2 wait for new leader: STEP_FAILED: no leader after 500ms');
    expect(box![1]).toContain('<li>25 acknowledged writes lost: ids 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, … (the first 20 of 25)</li>');
    const md = await readFile((await markdownReporter.render(inputFrom(lossy()), await tmp()))[0]!, 'utf8');
    expect(md.indexOf('**What went wrong:**')).toBeLessThan(md.indexOf('## Targets'));
    expect(md).toContain('- 25 acknowledged writes lost: ids 101, 102');
  });

  it('has no such box when nothing went wrong', async () => {
    const html = await readFile((await htmlReporter.render(inputFrom(passedRunEntries()), await tmp()))[0]!, 'utf8');
    expect(html).not.toContain('class="problems"');
  });
});

describe('around the numbers', () => {
  const tmp = useTmpDirs();

  it('shows the environment and, for a game day, who took part and what they recorded at each checkpoint', async () => {
    const plan = makePlan();
    const gameDay = { ...plan, scenarioDoc: { ...plan.scenarioDoc, gameDay: { facilitator: 'Dana Whitfield', participants: [{ name: 'Priya Raman', role: 'incident commander' }] } } as typeof plan.scenarioDoc };
    const steps = [...gameDay.steps, { id: 's5', name: 'was it automatic?', kind: 'checkpoint' as const, index: 4, description: 'ask', checkpoint: { prompt: 'Was the failover automatic?', timeoutMs: 60_000, record: ['observation', 'decision'], rehearsalMs: 0 } }];
    const entries = passedRunEntries({ ...gameDay, steps });
    entries.splice(1, 0, {
      kind: 'environment',
      at: 5,
      backend: 'local',
      topology: { zones: [{ name: 'a', nodes: [{ name: 'a-1', zone: 'a', members: [{ name: 'a-1', kind: 'postgresql', role: 'primary' }] }] }] },
      versions: { postgresql: '15.18', patroni: '3.0.2' },
    } as JournalEntry);
    entries.splice(entries.length - 1, 0, { kind: 'checkpoint', at: 95_000, step: 's5', observation: 'yes, in 12 s', decision: 'keep the ttl', by: 'Sam Okafor' });
    const html = await readFile((await htmlReporter.render(inputFrom(entries), await tmp()))[0]!, 'utf8');
    expect(html).toContain('<h2>Environment</h2>');
    expect(html).toContain('<td>a</td><td>a-1 (primary)</td>');
    expect(html).toContain('<td>patroni</td><td>3.0.2</td>');
    expect(html).toContain('<p>Facilitator: Dana Whitfield. Participants: Priya Raman (incident commander).</p>');
    expect(html).toContain('<td>+1m35s</td><td>Was the failover automatic?</td><td>yes, in 12 s</td><td>keep the ttl</td><td>Sam Okafor</td>');
    const md = await readFile((await markdownReporter.render(inputFrom(entries), await tmp()))[0]!, 'utf8');
    expect(md).toContain('| +1m35s | Was the failover automatic? | yes, in 12 s | keep the ttl | Sam Okafor |');
    expect(md).toContain('local backend: zone a: a-1 (primary). postgresql 15.18, patroni 3.0.2.');
  });
});
