import { z } from 'zod';
import { DURATION_EXAMPLES, parseDuration } from '../../common/duration.js';

// A duration string in the scenario, parsed to milliseconds.
export const durationSchema = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, { abort: true })
  .transform((text) => parseDuration(text) as number)
  .describe(`a duration like ${DURATION_EXAMPLES}`);

// Marks the "greater than zero" refinement so the error explainer can say so in words.
export const POSITIVE = 'kdrill:positive';

export const positiveDuration = durationSchema
  .refine((ms) => ms > 0, { message: POSITIVE })
  .describe(`a duration greater than zero, like ${DURATION_EXAMPLES}`);
