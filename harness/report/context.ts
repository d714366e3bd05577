import type { EntryOf, JournalEntry } from '../journal/index.js';
import type { MonoTime } from '../model/time.js';
import type { Plan } from '../scenario/plan-types.js';

// What a report says around the numbers: what the drill ran on, and for a game day who took
// part and what they observed and decided at each checkpoint.

export interface EnvironmentView {
  readonly backend: string;
  readonly zones: readonly { readonly zone: string; readonly nodes: string }[]; // "a-1 (primary), a-2 (replica)"
  readonly versions: readonly [name: string, version: string][];
  readonly why?: string;
}

export interface GameDayView {
  readonly facilitator: string;
  readonly participants: readonly { readonly name: string; readonly role: string }[];
  readonly checkpoints: readonly { readonly step: string; readonly at: MonoTime; readonly prompt: string; readonly observation?: string; readonly decision?: string; readonly by?: string }[];
}

export function environmentView(entries: readonly JournalEntry[]): EnvironmentView | undefined {
  const e = entries.find((x): x is EntryOf<'environment'> => x.kind === 'environment');
  if (!e) return undefined;
  const zones = (e.topology?.zones ?? []).map((z) => ({
    zone: z.name,
    nodes: z.nodes.map((n) => `${n.name} (${n.members.find((m) => m.kind === 'postgresql')?.role ?? 'no database'})`).join(', '),
  }));
  return { backend: e.backend, zones, versions: Object.entries(e.versions), ...(e.why ? { why: e.why } : {}) };
}

export function gameDayView(plan: Plan, entries: readonly JournalEntry[]): GameDayView | undefined {
  const spec = plan.scenarioDoc?.gameDay;
  const recorded = entries.filter((x): x is EntryOf<'checkpoint'> => x.kind === 'checkpoint');
  if (!spec && recorded.length === 0) return undefined;
  const prompts = new Map(plan.steps.flatMap((s) => (s.kind === 'checkpoint' ? [[s.id, s.checkpoint.prompt] as const] : [])));
  const origin = entries.find((x) => x.kind === 'run-start')?.at ?? 0;
  return {
    facilitator: spec?.facilitator ?? 'not named',
    participants: spec?.participants ?? [],
    checkpoints: recorded.map((c) => ({
      step: c.step,
      at: c.at - origin,
      prompt: prompts.get(c.step) ?? '',
      ...(c.observation ? { observation: c.observation } : {}),
      ...(c.decision ? { decision: c.decision } : {}),
      ...(c.by ? { by: c.by } : {}),
    })),
  };
}
