import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../harness/journal/index.js';
import { ALLURE_DIR, allureReporter } from '../../../harness/report/allure/index.js';
import { escapeMarkdownCell, escapeXml } from '../../../harness/report/escape.js';
import { htmlReporter } from '../../../harness/report/html/index.js';
import { junitReporter } from '../../../harness/report/junit/index.js';
import { markdownReporter } from '../../../harness/report/markdown/index.js';
import { reportView } from '../../../harness/report/model.js';
import type { PlannedStep } from '../../../harness/scenario/plan-types.js';
import type { Scenario } from '../../../harness/scenario/schema/index.js';
import { inputFrom, j, makePlan } from './journal-builder.js';
import { useTmpDirs } from './tmp.js';
import { parseXml } from './xml-check.js';

// A scenario (or a journal edited by hand) that tries to redraw the terminal a report is read
// in, forge a PASSED line, and reverse the text after it.
const CLEAR = '\u001b[2J';
const HOSTILE = `clear${CLEAR} back\r over\b\nPASSED \u202eright-to-left\u2066 zero\u200bwidth \u0085 \u009b31m`;
const RAW = ['\u001b', '\r', '\b', '\nPASSED', '\u202e', '\u2066', '\u200b', '\u0085', '\u009b'];
const VISIBLE = ['\\u001b[2J', '\\r', '\\b', '\\nPASSED', '\\u202e', '\\u2066', '\\u200b', '\\u0085', '\\u009b31m'];

function hostileInput() {
  const plan = makePlan();
  const checkpoint: PlannedStep = { id: 's5', name: `ask${CLEAR}`, kind: 'checkpoint', index: 4, description: `checkpoint: ${HOSTILE}`, checkpoint: { prompt: `prompt ${HOSTILE}`, timeoutMs: 1000, record: ['observation'], rehearsalMs: 0 } };
  const steps = [...plan.steps.map((s) => (s.id === 's2' ? { ...s, name: `wait ${HOSTILE}` } : s)), checkpoint];
  const scenarioDoc = { ...plan.scenarioDoc, gameDay: { facilitator: `facilitator ${HOSTILE}`, participants: [{ name: `name ${HOSTILE}`, role: `role ${HOSTILE}` }] } } as unknown as Scenario;
  const hostile = { ...plan, scenario: { ...plan.scenario, description: `description ${HOSTILE}` }, steps, schedule: steps.map((s) => ({ stepId: s.id, earliestMs: 0, latestMs: 0, unattendedMs: 0 })), scenarioDoc };
  const entries: JournalEntry[] = [
    j.start(1000, hostile),
    j.invoke(1100, 's1', 'fault pod-kill'),
    j.armed(1110, 'f1', 's1'),
    j.injected(1120, 'f1'),
    j.ok(1150, 's1', { note: `detail ${HOSTILE}` }),
    j.invoke(1200, 's2', 'wait new-leader'),
    j.fail(1700, 's2', `error ${HOSTILE}`),
    j.invoke(1710, 's5', 'checkpoint'),
    { kind: 'checkpoint', at: 1720, step: 's5', observation: `observation ${HOSTILE}`, decision: `decision ${HOSTILE}`, by: `by ${HOSTILE}` },
    j.ok(1730, 's5'),
    j.reverted(1920, 'f1'),
    j.end(2000, 'errored', `run error ${HOSTILE}`),
  ];
  return inputFrom(entries);
}

// Every string a renderer may print, from the view: no raw control character anywhere.
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function expectVisibleOnly(text: string, format: string): void {
  for (const raw of RAW) expect(text.includes(raw), `${format} holds ${JSON.stringify(raw)} raw`).toBe(false);
  for (const visible of VISIBLE) expect(text, format).toContain(visible);
  expect(/^PASSED/m.test(text), `${format} has a line starting PASSED`).toBe(false);
}

describe('input-derived text in reports', () => {
  const tmp = useTmpDirs();

  it('is escaped in the view every renderer formats: one line of visible text per string', () => {
    const view = reportView(hostileInput());
    const all = strings(view);
    for (const s of all) for (const raw of RAW) expect(s.includes(raw), JSON.stringify(s)).toBe(false);
    expect(view.description).toBe(`description clear\\u001b[2J back\\r over\\b\\nPASSED \\u202eright-to-left\\u2066 zero\\u200bwidth \\u0085 \\u009b31m`);
    expect(view.gameDay?.checkpoints[0]?.prompt).toContain('prompt clear\\u001b[2J');
    expect(view.gameDay?.participants[0]?.name).toContain('\\nPASSED');
  });

  it('never reaches Markdown raw', async () => {
    const [file] = await markdownReporter.render(hostileInput(), await tmp());
    const text = await readFile(file!, 'utf8');
    expectVisibleOnly(text, 'markdown');
    expect(text.split('\n')[0]).toBe('# ERRORED: primary-kill');
  });

  it('never reaches HTML raw', async () => {
    const [file] = await htmlReporter.render(hostileInput(), await tmp());
    expectVisibleOnly(await readFile(file!, 'utf8'), 'html');
  });

  it('never reaches JUnit XML raw, and the document stays well-formed', async () => {
    const [file] = await junitReporter.render(hostileInput(), await tmp());
    const text = await readFile(file!, 'utf8');
    expect(() => parseXml(text)).not.toThrow();
    // The step names and error messages are in JUnit; the description and checkpoints are not.
    for (const raw of RAW) expect(text.includes(raw), `junit holds ${JSON.stringify(raw)} raw`).toBe(false);
    expect(text).toContain('wait clear\\u001b[2J back\\r over\\b\\nPASSED \\u202e');
    expect(text).toContain('error clear\\u001b[2J');
  });

  it('never reaches Allure results raw, in the files or in the values they parse to', async () => {
    const dir = await tmp();
    await allureReporter.render(hostileInput(), dir);
    const names = await readdir(path.join(dir, ALLURE_DIR));
    const texts = await Promise.all(names.map((n) => readFile(path.join(dir, ALLURE_DIR, n), 'utf8')));
    const values = texts.flatMap((t, i) => (names[i]!.endsWith('.json') ? strings(JSON.parse(t)) : [t]));
    for (const v of values) for (const raw of RAW) expect(v.includes(raw), JSON.stringify(v)).toBe(false);
    const joined = values.join('\n');
    expect(joined).toContain('wait clear\\u001b[2J back\\r over\\b\\nPASSED \\u202e');
    expect(joined).toContain('error clear\\u001b[2J');
  });
});

describe('the format escapers', () => {
  it('show control characters as escapes before escaping their own syntax', () => {
    expect(escapeXml(`<b>${CLEAR}\u202e</b>\n`)).toBe('&lt;b&gt;\\u001b[2J\\u202e&lt;/b&gt;\n');
    expect(escapeXml('\u0000\uFFFE\uD800')).toBe('\\u0000\uFFFD\uFFFD');
    expect(escapeMarkdownCell(`a|b${CLEAR}\r\nPASSED`)).toBe('a\\|b\\\\u001b[2J\\\\r PASSED');
  });
});
