import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { markdownReporter } from '../../../harness/report/markdown/index.js';
import type { JournalEntry } from '../../../harness/journal/index.js';
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
    // armed, took effect (t0: the injector's return, in a journal without fault-effective), returned, reverted
    expect(text).toContain('| f1 | s1 | pod-kill | +110ms (10:00:00.110Z) | +120ms (10:00:00.120Z) | +120ms (10:00:00.120Z) | +920ms (10:00:00.920Z) |');
    // A step name cannot open raw HTML or break the table.
    expect(text).toContain('&lt;script&gt;alert("x")&lt;/script&gt;');
    expect(text).not.toContain('<script>');
  });

  it('says PASSED first for a passed run', async () => {
    const [file] = await markdownReporter.render(inputFrom(passedRunEntries()), await tmp());
    expect((await readFile(file!, 'utf8')).startsWith('# PASSED: primary-kill\n')).toBe(true);
  });

  it('never passes a run whose targets were not measured, and says why', async () => {
    const unmeasured = passedRunEntries().filter((e) => e.kind !== 'measurement');
    const [file] = await markdownReporter.render(inputFrom(unmeasured), await tmp());
    const text = await readFile(file!, 'utf8');
    expect(text.startsWith('# TARGETS MISSED: primary-kill')).toBe(true);
    expect(text).toContain('not proven: RTO not measured, RPO not measured (a target that was not measured or not exercised is never met)');
    expect(text).not.toContain('| met |');
  });

  it('shows each fault\'s own window with when its harm took effect', async () => {
    const [file] = await markdownReporter.render(inputFrom(passedRunEntries()), await tmp());
    const text = await readFile(file!, 'utf8');
    expect(text).toContain('### Fault f1 (pod-kill)');
    expect(text).toContain('Harm took effect (t0) at +12ms (10:00:00.012Z), 1 ms after its revert record was journalled.');
    expect(text).toContain('| rto | 28 ms | rto for the test |');
  });

  it('shows what completed a fault later, in the background, against its t0', async () => {
    const entries: JournalEntry[] = passedRunEntries();
    entries.splice(entries.findIndex((e) => e.kind === 'fault-injected') + 1, 0, { kind: 'fault-milestone', at: 41_012, fault: 'f1', milestone: 'node-not-ready' });
    const [file] = await markdownReporter.render(inputFrom(entries), await tmp());
    expect(await readFile(file!, 'utf8')).toContain('Then: node-not-ready 41.0 s after t0.');
  });
});

describe('markdown reporter with measurements', () => {
  const tmp = useTmpDirs();
  const measured = (): JournalEntry[] => {
    const entries: JournalEntry[] = passedRunEntries().filter((e) => e.kind !== 'measurement');
    const end = entries.pop()!;
    entries.push(
      { kind: 'load-stop', at: 91, summary: { driver: 'ledger', startedAt: 0, stoppedAt: 91, sent: 17_793, acked: 17_789, failed: 0, inDoubt: 4, ackedPerSecond: 181.2, meanLatencyMs: 2.13, errors: { 'connect: ECONNREFUSED': 12, 'timeout': 4 } } },
      { kind: 'measurement', at: 92, name: 'rto', value: 9_100, unit: 'ms', why: 't1 = send time of write 6033', from: [] },
      { kind: 'measurement', at: 92, name: 'lost-writes', value: 2, unit: 'writes', why: '2 acknowledged writes missing after recovery', from: [] },
      { kind: 'measurement', at: 92, name: 'time-to-redundancy', unit: 'ms', why: 'redundancy was never lost', from: [] },
      { kind: 'verification', at: 93, verify: 'ledger-readback', required: true, verdict: 'pass', summary: '17787 rows read back' },
      end,
    );
    return entries;
  };

  it('judges measured targets, lists every measurement and the load, and never calls the unmeasured RPO met', async () => {
    const [file] = await markdownReporter.render(inputFrom(measured()), await tmp());
    const text = await readFile(file!, 'utf8');
    expect(text).toContain('| RTO | ≤ 1m | 9.1 s | met | t1 = send time of write 6033 |');
    expect(text).toContain('| RPO | ≤ 0s | not measured | not measured |');
    expect(text).toContain('| rto | 9.1 s | t1 = send time of write 6033 |');
    expect(text).toContain('| time to redundancy | — | redundancy was never lost |');
    expect(text).toContain('ledger: 17,793 sent, 17,789 acknowledged (181/s, mean 2.1 ms), 0 failed, 4 in doubt. Errors: connect: ECONNREFUSED × 12; timeout × 4.');
    expect(text).toContain('not proven: RPO not measured');
  });
});
