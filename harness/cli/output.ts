import { escapeControl } from '../common/control-chars.js';
import { redactText } from '../common/redact.js';

// Where the CLI writes: results to stdout, progress and errors to stderr, always redacted, and
// never with a raw control character (terminal escapes, carriage returns, bidi overrides).
export interface Output {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

// Text as it may reach a terminal: secrets masked, controls shown as escapes (\u001b, \r).
// The newlines and tabs kdrill writes itself are kept with `keepNewlines`; a value quoted
// inside one line is passed without it, so it cannot start a line of its own.
export function terminalText(text: string, options: { keepNewlines?: boolean } = {}): string {
  return escapeControl(redactText(text), options);
}

// An Output onto two streams; every line passes through terminalText.
// A reader that goes away (`kdrill plan x | head`) closes the pipe: what is left to print is
// dropped, and the command carries on. A drill must never die of EPIPE with faults armed.
export function streamOutput(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream & { isTTY?: boolean }): Output {
  const writer = (stream: NodeJS.WritableStream) => {
    let gone = false;
    stream.on?.('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      gone = true;
    });
    return (line: string) => void (gone || stream.write(`${terminalText(line, { keepNewlines: true })}\n`));
  };
  const out = writer(stdout);
  const err = writer(stderr);
  return {
    out,
    err,
    get isTTY() {
      return Boolean(stderr.isTTY);
    },
  };
}

export const processOutput: Output = streamOutput(process.stdout, process.stderr);

// "[  12.3s] …": progress lines with the time since the command started. Each is one line:
// a step's description carries scenario text (a checkpoint prompt), and a newline in it must
// not start a line that looks like kdrill's own.
export function progressLogger(output: Output, startedAt = performance.now()): (line: string) => void {
  return (line) => {
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
    output.err(`[${seconds}s] ${escapeControl(line)}`);
  };
}
