import { z } from 'zod';
import { formatDuration } from '../model/duration.js';
import type { ResolvedTargets } from './plan-types.js';
import { durationSchema } from '../model/duration-schema.js';
import { COMPLIANCE_PRESETS, TIERS, type TierSpec } from './schema/tier.js';

const tierTargets = z.strictObject({
  description: z.string().optional(),
  protection: z.string().optional(),
  rpo: durationSchema.describe('the RPO target, like "0s" or "1h"'),
  rto: durationSchema.describe('the RTO target, like "15m"'),
  maxLostWrites: z.number().int().min(0).optional(),
  retention: durationSchema.optional(),
});

const REQUIREMENTS = ['audit-trail', 'encryption-in-transit', 'backup-verification', 'data-residency'] as const;

const presetSchema = z.strictObject({
  rpo: durationSchema.optional(),
  rto: durationSchema.optional(),
  maxLostWrites: z.number().int().min(0).optional(),
  minRetention: durationSchema.optional().describe('backups must be kept at least this long'),
  maxRetention: durationSchema.optional().describe('backups must be gone after this long'),
  requires: z.array(z.enum(REQUIREMENTS)).default([]),
});

export const tierPolicySchema = z.strictObject({
  apiVersion: z.literal('kdrill.dev/v1alpha1'),
  kind: z.literal('TierPolicy'),
  tiers: z.strictObject(Object.fromEntries(TIERS.map((t) => [t, tierTargets])) as Record<(typeof TIERS)[number], typeof tierTargets>),
  compliance: z
    .strictObject(Object.fromEntries(COMPLIANCE_PRESETS.map((p) => [p, presetSchema.optional()])) as Record<(typeof COMPLIANCE_PRESETS)[number], z.ZodOptional<typeof presetSchema>>)
    .default({}),
});
export type TierPolicy = z.infer<typeof tierPolicySchema>;

export interface TargetConflict {
  field: 'rpo' | 'rto' | 'maxLostWrites' | 'retention';
  message: string;
}

// Tier defaults, narrowed by each compliance preset (the strictest wins), then per-scenario overrides.
// An override looser than a compliance preset is a conflict: presets are floors, not suggestions.
export function resolveTargets(policy: TierPolicy, tier: TierSpec): { targets: ResolvedTargets; conflicts: TargetConflict[] } {
  const base = policy.tiers[tier.name];
  const derivation: string[] = [`${tier.name}: rpo ${formatDuration(base.rpo)}, rto ${formatDuration(base.rto)}`];
  let rpoMs = base.rpo;
  let rtoMs = base.rto;
  let maxLostWrites = base.maxLostWrites;
  let retentionMs = base.retention;
  const floors: { rpo?: [number, string]; rto?: [number, string]; lost?: [number, string]; minRet?: [number, string]; maxRet?: [number, string] } = {};

  for (const name of tier.compliance) {
    const preset = policy.compliance[name];
    if (!preset) continue;
    if (preset.rpo !== undefined && preset.rpo < rpoMs) {
      rpoMs = preset.rpo;
      derivation.push(`rpo narrowed to ${formatDuration(rpoMs)} by ${name}`);
    }
    if (preset.rto !== undefined && preset.rto < rtoMs) {
      rtoMs = preset.rto;
      derivation.push(`rto narrowed to ${formatDuration(rtoMs)} by ${name}`);
    }
    if (preset.maxLostWrites !== undefined && (maxLostWrites === undefined || preset.maxLostWrites < maxLostWrites)) {
      maxLostWrites = preset.maxLostWrites;
      derivation.push(`at most ${maxLostWrites} lost writes by ${name}`);
    }
    if (preset.minRetention !== undefined && (retentionMs === undefined || retentionMs < preset.minRetention)) {
      retentionMs = preset.minRetention;
      derivation.push(`retention raised to ${formatDuration(retentionMs)} by ${name}`);
    }
    if (preset.maxRetention !== undefined && retentionMs !== undefined && retentionMs > preset.maxRetention) {
      retentionMs = preset.maxRetention;
      derivation.push(`retention capped at ${formatDuration(retentionMs)} by ${name}`);
    }
    tighten(floors, 'rpo', preset.rpo, name);
    tighten(floors, 'rto', preset.rto, name);
    tighten(floors, 'lost', preset.maxLostWrites, name);
    if (preset.minRetention !== undefined && (!floors.minRet || preset.minRetention > floors.minRet[0])) floors.minRet = [preset.minRetention, name];
    tighten(floors, 'maxRet', preset.maxRetention, name);
    for (const requirement of preset.requires) derivation.push(`${name} requires ${requirement}`);
  }

  const conflicts: TargetConflict[] = [];
  const o = tier.overrides ?? {};
  if (o.rpo !== undefined) {
    if (floors.rpo && o.rpo > floors.rpo[0]) conflicts.push({ field: 'rpo', message: looser('rpo', o.rpo, floors.rpo) });
    rpoMs = o.rpo;
    derivation.push(`rpo set to ${formatDuration(rpoMs)} by the scenario`);
  }
  if (o.rto !== undefined) {
    if (floors.rto && o.rto > floors.rto[0]) conflicts.push({ field: 'rto', message: looser('rto', o.rto, floors.rto) });
    rtoMs = o.rto;
    derivation.push(`rto set to ${formatDuration(rtoMs)} by the scenario`);
  }
  if (o.maxLostWrites !== undefined) {
    if (floors.lost && o.maxLostWrites > floors.lost[0]) {
      conflicts.push({ field: 'maxLostWrites', message: `Expected \`tier.overrides.maxLostWrites\` to be at most ${floors.lost[0]} (required by ${floors.lost[1]}), got \`${o.maxLostWrites}\` (number)` });
    }
    maxLostWrites = o.maxLostWrites;
    derivation.push(`at most ${maxLostWrites} lost writes set by the scenario`);
  }
  if (o.retention !== undefined) {
    if (floors.minRet && o.retention < floors.minRet[0]) {
      conflicts.push({ field: 'retention', message: `Expected \`tier.overrides.retention\` to be at least ${formatDuration(floors.minRet[0])} (required by ${floors.minRet[1]}), got ${formatDuration(o.retention)}` });
    }
    if (floors.maxRet && o.retention > floors.maxRet[0]) {
      conflicts.push({ field: 'retention', message: `Expected \`tier.overrides.retention\` to be at most ${formatDuration(floors.maxRet[0])} (required by ${floors.maxRet[1]}), got ${formatDuration(o.retention)}` });
    }
    retentionMs = o.retention;
    derivation.push(`retention set to ${formatDuration(retentionMs)} by the scenario`);
  }

  const targets: ResolvedTargets = {
    tier: tier.name,
    rpoMs,
    rtoMs,
    ...(maxLostWrites !== undefined ? { maxLostWrites } : {}),
    ...(retentionMs !== undefined ? { retentionMs } : {}),
    ...(o.allowedRegions ? { allowedRegions: o.allowedRegions } : {}),
    derivation,
  };
  return { targets, conflicts };
}

function tighten(floors: Record<string, [number, string] | undefined>, key: string, value: number | undefined, name: string): void {
  if (value === undefined) return;
  const current = floors[key];
  if (!current || value < current[0]) floors[key] = [value, name];
}

function looser(field: 'rpo' | 'rto', given: number, [floor, by]: [number, string]): string {
  return `Expected \`tier.overrides.${field}\` to be at most ${formatDuration(floor)} (required by ${by}), got ${formatDuration(given)}`;
}
