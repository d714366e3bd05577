import { z } from 'zod';
import { DURATION_EXAMPLES, parseDuration } from '../../common/duration.js';

// A duration string in the scenario, parsed to milliseconds.
export const durationSchema = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, { abort: true })
  .transform((text) => parseDuration(text) as number)
  .meta({ expected: `a duration like ${DURATION_EXAMPLES}` });

export const positiveDuration = durationSchema
  .refine((ms) => ms > 0)
  .meta({ expected: `a duration greater than zero, like ${DURATION_EXAMPLES}` });
