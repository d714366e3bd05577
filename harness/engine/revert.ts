import { revertOnceHandle } from '../faults/handle.js';
import { ErrorCode, KdrillError, serializeError } from '../common/errors.js';
import type { ConnectedBackend } from '../backends/types.js';
import type { FaultHandle } from '../faults/types.js';
import type { RevertRecord } from '../model/fault.js';
import { monotonicClock } from '../common/monotonic-clock.js';
import { type Clock } from '../model/time.js';
import { stampedJournal, type EntryOf, type UnstampedEntry } from '../journal/journal.js';
import type { Journal, JournalEntry, RevertReason } from '../journal/entries.js';

// Anything that can journal an entry without knowing the time (a stampedJournal).
export interface Recorder {
  record(entry: UnstampedEntry): Promise<void>;
}

interface Armed {
  readonly handle: FaultHandle;
  readonly step: string;
  state: 'armed' | 'reverting' | 'reverted';
  reverting?: Promise<boolean>;
}

// Every fault armed during a run, in arming order. Guarantees each is reverted at most once,
// and that a revert failure never stops the others from being attempted.
export class ArmedFaults {
  private readonly faults = new Map<string, Armed>();

  constructor(
    private readonly journal: Recorder,
    private readonly log: (line: string) => void = () => {},
  ) {}

  // Adds a fault just armed by an injector.
  register(handle: FaultHandle, step: string): void {
    if (this.faults.has(handle.id)) throw new KdrillError(ErrorCode.INTERNAL, `fault ${handle.id} is already registered`);
    this.faults.set(handle.id, { handle, step, state: 'armed' });
  }

  // The fault armed by a step, if any.
  forStep(step: string): FaultHandle | undefined {
    return [...this.faults.values()].find((f) => f.step === step)?.handle;
  }

  // Ids of faults not (yet) reverted, in arming order.
  get armed(): string[] {
    return [...this.faults.values()].filter((f) => f.state !== 'reverted').map((f) => f.handle.id);
  }

  // Reverts one fault and journals the outcome. A second call is a no-op (or joins the first);
  // after a failure the fault stays armed so a later call tries again. Never throws.
  revert(faultId: string, reason: RevertReason): Promise<boolean> {
    const fault = this.faults.get(faultId);
    if (!fault) return Promise.resolve(false);
    if (fault.state === 'reverted') return Promise.resolve(true);
    if (fault.reverting) return fault.reverting;
    fault.state = 'reverting';
    fault.reverting = (async () => {
      try {
        await this.safeRecord({ kind: 'fault-reverting', fault: faultId, reason });
        await fault.handle.revert();
        fault.state = 'reverted';
        await this.safeRecord({ kind: 'fault-reverted', fault: faultId, reason });
        this.log(`reverted ${faultId} (${reason})`);
        return true;
      } catch (error) {
        fault.state = 'armed';
        await this.safeRecord({ kind: 'fault-revert-failed', fault: faultId, error: serializeError(error) });
        this.log(`could not revert ${faultId}: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      } finally {
        fault.reverting = undefined;
      }
    })();
    return fault.reverting;
  }

  // Reverts every armed fault, newest first, continuing past failures.
  // True when every fault ever armed is reverted.
  async revertAll(reason: RevertReason): Promise<boolean> {
    for (const fault of [...this.faults.values()].reverse()) {
      if (fault.state === 'reverting') await fault.reverting;
      if (fault.state === 'armed') await this.revert(fault.handle.id, reason);
    }
    return this.armed.length === 0;
  }

  // A journal write failing (disk full) must not stop the remaining reverts.
  private async safeRecord(entry: UnstampedEntry): Promise<void> {
    try {
      await this.journal.record(entry);
    } catch (error) {
      this.log(`could not journal ${entry.kind} for ${'fault' in entry ? entry.fault : '?'}: ${String(error)}`);
    }
  }
}

// Armed faults whose revert was never journalled: what `kdrill cleanup` must undo, in arming order.
export function pendingReverts(entries: readonly JournalEntry[]): EntryOf<'fault-armed'>[] {
  const reverted = new Set(entries.filter((e) => e.kind === 'fault-reverted').map((e) => e.fault));
  return entries.filter((e): e is EntryOf<'fault-armed'> => e.kind === 'fault-armed' && !reverted.has(e.fault));
}

// Reconnects (or reuses) the backend that armed a record.
export type BackendResolver = (record: RevertRecord) => Promise<Pick<ConnectedBackend, 'revertFromRecord'>>;

export interface CleanupResult {
  readonly reverted: string[];
  readonly failed: { fault: string; error: ReturnType<typeof serializeError> }[];
}

// After a crash: reverts each pending fault from its persisted record, newest first, continuing
// past failures. Entries are appended to `journal` with `at` continuing after the last entry read.
/** @throws KdrillError INTERNAL when the outcome could not be journalled (after trying every revert). */
export async function cleanupFromJournal(
  entries: readonly JournalEntry[],
  resolveBackend: BackendResolver,
  journal: Journal,
  clock: Clock = monotonicClock(),
): Promise<CleanupResult> {
  const lastAt = entries.reduce((max, e) => Math.max(max, e.at), 0);
  const out = stampedJournal(journal, clock, lastAt);
  const backends = new Map<string, Promise<Pick<ConnectedBackend, 'revertFromRecord'>>>();
  const result: CleanupResult = { reverted: [], failed: [] };
  let journalError: unknown;
  for (const armed of pendingReverts(entries).reverse()) {
    let entry: UnstampedEntry;
    try {
      let backend = backends.get(armed.revert.backend);
      if (!backend) backends.set(armed.revert.backend, (backend = resolveBackend(armed.revert)));
      await (await backend).revertFromRecord(armed.revert);
      result.reverted.push(armed.fault);
      entry = { kind: 'fault-reverted', fault: armed.fault, reason: 'cleanup' };
    } catch (error) {
      result.failed.push({ fault: armed.fault, error: serializeError(error) });
      entry = { kind: 'fault-revert-failed', fault: armed.fault, error: serializeError(error) };
    }
    // Keep reverting even when the journal cannot be written; report that at the end.
    await out.record(entry).catch((error: unknown) => (journalError ??= error));
  }
  if (journalError !== undefined) {
    throw new KdrillError(ErrorCode.INTERNAL, `cleanup reverted ${result.reverted.length} fault(s) but could not journal it in ${journal.path}`, {
      cause: journalError,
    });
  }
  return result;
}

// A handle for a fault whose injector journalled its record and then failed: the harm may be
// partly done, so it is reverted from the record like after a crash.
export function handleFromRecord(record: RevertRecord, backend: Pick<ConnectedBackend, 'revertFromRecord'>): FaultHandle {
  return revertOnceHandle(record, () => backend.revertFromRecord(record));
}
