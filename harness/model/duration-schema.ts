import { z } from 'zod';
import { DURATION_EXAMPLES, formatDuration, parseDuration } from './duration.js';

// The longest duration kdrill waits on: a drill's maxDuration, a fault's duration, a step's
// start, timeout or pause, a warm-up. Longer waits are refused when the scenario is checked;
// durations kdrill only compares (targets, retention) may be up to MAX_DURATION_MS.
export const MAX_WAIT_MS = 30 * 86_400_000;

// A duration string in the scenario, parsed to milliseconds.
export const durationSchema = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, { abort: true })
  .transform((text) => parseDuration(text) as number)
  .meta({ expected: `a duration like ${DURATION_EXAMPLES}` });

export const positiveDuration = durationSchema
  .refine((ms) => ms > 0)
  .meta({ expected: `a duration greater than zero, like ${DURATION_EXAMPLES}` });

// `schema`, refusing durations over MAX_WAIT_MS with a sentence of its own. Its expected text
// (for every other mistake) stays the one `schema` had.
function waitedOn<T extends typeof durationSchema>(schema: T, expected: string) {
  return schema
    .refine((ms) => ms <= MAX_WAIT_MS, {
      error: (issue) => `expected a duration of at most ${formatDuration(MAX_WAIT_MS)}, got ${formatDuration(Number(issue.input))}`,
      params: { expected: `a duration of at most ${formatDuration(MAX_WAIT_MS)}` },
    })
    .meta({ expected });
}

// A duration kdrill waits on (a timer, a deadline), from zero up to MAX_WAIT_MS.
export const waitDuration = waitedOn(durationSchema, `a duration like ${DURATION_EXAMPLES}`);

// A duration kdrill waits on, greater than zero and at most MAX_WAIT_MS.
export const positiveWaitDuration = waitedOn(positiveDuration, `a duration greater than zero, like ${DURATION_EXAMPLES}`);
