import { createInterface } from 'node:readline/promises';
import type { CheckpointAnswer, CheckpointAnswerer } from '../engine/index.js';

// Asks the facilitator at a game-day checkpoint, on the terminal. Typing "abort" stops the drill.
export function terminalCheckpointAnswerer(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): CheckpointAnswerer {
  return async (step, signal) => {
    const rl = createInterface({ input, output, terminal: true });
    try {
      output.write(`\n── checkpoint ${step.id} [${step.name}] ──\n${step.checkpoint.prompt}\n`);
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
