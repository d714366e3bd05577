import { redactText } from '../common/redact.js';

// Where the CLI writes: results to stdout, progress and errors to stderr, always redacted.
export interface Output {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${redactText(line)}\n`),
  err: (line) => process.stderr.write(`${redactText(line)}\n`),
  get isTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

// "[  12.3s] …": progress lines with the time since the command started.
export function progressLogger(output: Output, startedAt = performance.now()): (line: string) => void {
  return (line) => {
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
    output.err(`[${seconds}s] ${line}`);
  };
}
