import { createInterface } from 'node:readline/promises';
import type { CheckpointAnswer, CheckpointAnswerer } from '../engine/index.js';
import { terminalText } from './output.js';

// Asks the facilitator at a game-day checkpoint, on the terminal. Typing "abort" stops the drill.
// The step's name and prompt come from the scenario: each is shown on one line, escaped, so it
// can neither redraw the terminal nor print a line that looks like kdrill's own question.
export function terminalCheckpointAnswerer(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): CheckpointAnswerer {
  return async (step, signal) => {
    const rl = createInterface({ input, output, terminal: true });
    try {
      output.write(`\n── checkpoint ${terminalText(step.id)} [${terminalText(step.name)}] ──\n${terminalText(step.checkpoint.prompt)}\n`);
      const answer: { observation?: string; decision?: string; by?: string; abort?: boolean } = {};
      if (step.checkpoint.record.includes('observation')) {
        answer.observation = (await rl.question('observation (what the team saw): ', { signal })).trim();
      }
      if (step.checkpoint.record.includes('decision')) {
        answer.decision = (await rl.question('decision (what the team decided; "abort" stops the drill): ', { signal })).trim();
        if (answer.decision.toLowerCase() === 'abort') answer.abort = true;
      }
      const by = (await rl.question('recorded by: ', { signal })).trim();
      if (by) answer.by = by;
      return answer as CheckpointAnswer;
    } finally {
      rl.close();
    }
  };
}
