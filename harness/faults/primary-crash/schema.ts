import { z } from 'zod';

export const PrimaryCrashParams = z.strictObject({}).describe('primary-crash parameters (none)');
export type PrimaryCrashParams = z.infer<typeof PrimaryCrashParams>;
