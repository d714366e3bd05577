import { z } from 'zod';

export const gameDaySchema = z.strictObject({
  facilitator: z.string().min(1).describe('who runs the game day'),
  participants: z
    .array(z.strictObject({ name: z.string().min(1).describe('a person'), role: z.string().min(1).describe('their role, like "incident commander"') }))
    .default([]),
});
export type GameDaySpec = z.infer<typeof gameDaySchema>;
