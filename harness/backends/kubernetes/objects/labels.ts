import { createHash } from 'node:crypto';
// Labels on everything kdrill creates: `kdrill cleanup` finds a dead run's objects by them,
// and an operator sees at a glance which drill made what.
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const RUN_ID = 'kdrill.dev/run-id';
export const FAULT_ID = 'kdrill.dev/fault-id';
export const PART_OF = 'app.kubernetes.io/part-of';

export function runLabels(runId: string, faultId?: string): Record<string, string> {
  return { [MANAGED_BY]: 'kdrill', [RUN_ID]: labelValue(runId), ...(faultId ? { [FAULT_ID]: labelValue(faultId) } : {}) };
}

// A label value is at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric.
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

// An object name (RFC 1123 label) from parts: lowercase, '-' for anything else, ≤ 63.
export function objectName(...parts: string[]): string {
  const joined = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-');
  return joined.slice(0, 63).replace(/^-+/, '').replace(/-+$/, '');
}

// A short stable stand-in for a run id in object names (a run id is longer than a name allows).
export function runHash(runId: string): string {
  return createHash('sha256').update(runId).digest('hex').slice(0, 8);
}

export function selectorOf(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
