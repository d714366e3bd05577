import { ErrorCode, KdrillError } from '../common/errors.js';
import type { JournalEntry } from './entries.js';
import { wallTimeAt } from './wall-clock.js';

// What a restore step asks recovery to stop at, as a backend can act on it.
export type RestorePoint = { readonly kind: 'latest' } | { readonly kind: 'time'; readonly time: Date; readonly basis: string };

/**
 * A restore step's parameters against the run so far. "before-fault" is the moment the latest
 * fault was armed: its revert record is journalled just before the harm, so no write after it
 * can be part of the fault's damage.
 * @throws KdrillError STEP_FAILED when "before-fault" has no fault to stand before.
 */
export function restorePointOf(params: Readonly<Record<string, unknown>>, entries: readonly JournalEntry[]): RestorePoint {
  if (params['from'] !== 'point-in-time') return { kind: 'latest' };
  const point = params['pointInTime'];
  if (point === 'before-fault') {
    const armed = entries.findLast((e): e is Extract<JournalEntry, { kind: 'fault-armed' }> => e.kind === 'fault-armed');
    const time = armed ? wallTimeAt(entries, armed.at) : undefined;
    if (!armed || !time) throw new KdrillError(ErrorCode.STEP_FAILED, 'restore to "before-fault": no fault was injected before this step');
    return { kind: 'time', time, basis: `just before fault ${armed.fault} was injected` };
  }
  if (typeof point !== 'string' || Number.isNaN(Date.parse(point))) throw new KdrillError(ErrorCode.STEP_FAILED, `restore: pointInTime must be "before-fault" or an ISO 8601 timestamp, got ${String(point)}`);
  return { kind: 'time', time: new Date(point), basis: `the scenario's timestamp ${point}` };
}
