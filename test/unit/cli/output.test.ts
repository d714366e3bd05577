import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalCheckpointAnswerer } from '../../../harness/cli/checkpoint-prompt.js';
import { main } from '../../../harness/cli/main.js';
import { LiveStatus } from '../../../harness/cli/live-status.js';
import { progressLogger, streamOutput, terminalText } from '../../../harness/cli/output.js';
import type { CheckpointStep } from '../../../harness/engine/index.js';

const FORGED = 'name\u001b[2K\r\u001b[32mPASSED\u001b[0m\nPASSED: all good\u202e';

// A stream that keeps what is written to it.
function sink(isTTY = false): NodeJS.WritableStream & { isTTY: boolean; text: () => string; chunks: string[] } {
  const chunks: string[] = [];
  return { isTTY, chunks, text: () => chunks.join(''), write: (s: string) => chunks.push(String(s)) > 0 } as never;
}

describe('the process output', () => {
  it('writes every line redacted and with its control characters escaped, on stdout and stderr', () => {
    const stdout = sink();
    const stderr = sink();
    const output = streamOutput(stdout, stderr);
    output.out(`step ${FORGED} password=hunter2`);
    output.err(`error: got \`${FORGED}\``);
    expect(stdout.text()).toBe('step name\\u001b[2K\\r\\u001b[32mPASSED\\u001b[0m\nPASSED: all good\\u202e password=[redacted]\n');
    expect(stderr.text()).toBe('error: got `name\\u001b[2K\\r\\u001b[32mPASSED\\u001b[0m\nPASSED: all good\\u202e`\n');
    for (const text of [stdout.text(), stderr.text()]) expect(text).not.toMatch(/[\u001b\r\b\u202e]/);
  });

  it('keeps the newlines and tabs kdrill writes itself', () => {
    const stdout = sink();
    streamOutput(stdout, sink()).out('Plan: x\n  s1\tpause 1s');
    expect(stdout.text()).toBe('Plan: x\n  s1\tpause 1s\n');
  });

  it('keeps a JSON document valid (the forms are JSON escapes)', () => {
    const stdout = sink();
    const doc = { message: `got ${FORGED}\u0085`, token: 'abc' };
    streamOutput(stdout, sink()).out(JSON.stringify(doc, null, 2));
    expect(JSON.parse(stdout.text())).toEqual({ message: `got ${FORGED}\u0085`, token: '[redacted]' });
    expect(stdout.text()).not.toMatch(/[\u0085\u202e]/);
  });

  it('says whether stderr is a terminal', () => {
    expect(streamOutput(sink(), sink(true)).isTTY).toBe(true);
    expect(streamOutput(sink(), sink(false)).isTTY).toBe(false);
  });

  it('escapes progress lines too', () => {
    const stderr = sink();
    progressLogger(streamOutput(sink(), stderr), performance.now())(`s1 ${FORGED}`);
    expect(stderr.text()).toMatch(/^\[ +\d+\.\ds\] s1 name\\u001b\[2K\\r/);
    expect(stderr.text()).not.toMatch(/[\u001b\r]/);
  });

  it('terminalText puts a value on one line unless told to keep its newlines', () => {
    expect(terminalText('a\nb token=t')).toBe('a\\nb token=[redacted]');
    expect(terminalText('a\nb', { keepNewlines: true })).toBe('a\nb');
  });
});

describe('`kdrill validate --json` through the process output', () => {
  it('stays one valid JSON document, redacted, with no raw control character', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kdrill-output-'));
    try {
      const file = path.join(dir, 'hostile.yaml');
      // A secret with an escaped quote in a value quoted back, and control characters in a key.
      await writeFile(file, 'apiVersion: kdrill.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: hostile\n  cadence: monthly\n  "x\\e[2J\\u202e": 1\ntier:\n  name: { password: "a\\"b" }\ntarget:\n  backend: fake\nsteps:\n  - pause: 1s\n');
      const stdout = sink();
      const code = await main(['validate', '--json', file], streamOutput(stdout, sink()));
      expect(code).toBe(2);
      expect(stdout.text()).not.toMatch(/[\u001b\u202e]|a\\\\\\"b/);
      const doc = JSON.parse(stdout.text()) as { valid: boolean; files: { issues: { message: string }[] }[] };
      const messages = doc.files[0]!.issues.map((i) => i.message).join('\n');
      expect(messages).toContain('`{"password":"[redacted]"}` (object)');
      expect(messages).toContain('Unknown key `metadata.x\\u001b[2J\\u202e`');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the live status line', () => {
  it('escapes step names and progress lines, and keeps its own codes', () => {
    const stream = sink();
    Object.assign(stream, { columns: 200 });
    const live = new LiveStatus(stream as unknown as NodeJS.WriteStream, new Map([['s1', FORGED]]), performance.now());
    live.state.phase = 'steps';
    live.state.step = `s1 ${FORGED}`;
    live.start();
    live.print(`[   1.0s] ${FORGED}`);
    live.stop();
    const text = stream.text();
    // Only kdrill's own "\r\x1b[2K" (return, erase the line): nothing from the scenario.
    expect(text.replace(/\r\x1b\[2K/g, '')).not.toMatch(/[\u001b\r\u202e]/);
    expect(text).toContain('steps · s1 name\\u001b[2K\\r\\u001b[32mPASSED');
    expect(text).toContain('[   1.0s] name\\u001b[2K\\r\\u001b[32mPASSED\\u001b[0m\nPASSED: all good\\u202e\n');
  });
});

describe('the checkpoint prompt', () => {
  it('shows the step name and the prompt escaped, each on its line', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: string[] = [];
    // Each answer once its question is asked (readline drops lines typed before). The forged
    // prompt holds the observation question once already, escaped on its own line.
    const times = (text: string): number => chunks.join('').split(text).length - 1;
    const answers: [question: string, times: number, answer: string][] = [
      ['observation (what the team saw): ', 2, 'a leader was elected\n'],
      ['recorded by: ', 1, 'me\n'],
    ];
    output.on('data', (d) => {
      chunks.push(String(d));
      const next = answers[0];
      if (next && times(next[0]) >= next[1]) input.write(answers.shift()![2]);
    });
    const step = { id: 's3', name: `ask${FORGED}`, kind: 'checkpoint', index: 2, description: '', checkpoint: { prompt: `What do you see?\nobservation (what the team saw): ${FORGED}`, timeoutMs: 1000, record: ['observation'], rehearsalMs: 0 } } as unknown as CheckpointStep;
    const answer = await terminalCheckpointAnswerer(input, output)(step, new AbortController().signal);
    expect(answer).toEqual({ observation: 'a leader was elected', by: 'me' });
    // The first write is kdrill's header and the prompt; readline's own echo comes after.
    const header = chunks[0]!;
    expect(header).toBe('\n── checkpoint s3 [askname\\u001b[2K\\r\\u001b[32mPASSED\\u001b[0m\\nPASSED: all good\\u202e] ──\nWhat do you see?\\nobservation (what the team saw): name\\u001b[2K\\r\\u001b[32mPASSED\\u001b[0m\\nPASSED: all good\\u202e\n');
  });
});

describe('streamOutput when the reader goes away', () => {
  it('drops what is left after EPIPE instead of dying (a drill must not die with faults armed)', async () => {
    const { Writable } = await import('node:stream');
    const written: string[] = [];
    let calls = 0;
    const closedPipe = new Writable({
      write(chunk, _encoding, done) {
        calls++;
        if (calls === 1) written.push(String(chunk));
        done(calls === 1 ? null : Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const output = streamOutput(closedPipe, sink);
    output.out('first');
    output.out('second');
    await new Promise((resolve) => setImmediate(resolve));
    output.out('third');
    expect(written).toEqual(['first\n']);
    expect(calls).toBe(2);
  });
});
