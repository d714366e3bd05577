import type { LedgerWriter } from '../types.js';
import type { LoadStats } from '../../model/load.js';

// The ledger driver run elsewhere (a pod) reports each write's fate as one line of text, in
// the order they happened, times on its own monotonic clock (ms):
//   s <id> <at>                      sent
//   a <id> <at> <server>             acknowledged by <server> ('-' unknown)
//   f <id> <at> <failed|in-doubt>    failed or in doubt
// kdrill fetches them in batches by sequence number, so a batch lost to a broken connection
// is simply asked for again.

export const LEDGER_DRIVER_PORT = 8090;

export interface EventBatch {
  readonly from: number; // sequence number of events[0]
  readonly events: readonly string[];
  readonly stats: LoadStats;
  readonly stopped: boolean; // no event will follow the last one
  readonly summary?: RemoteSummary;
}

// What only the driver's side knows at the end.
export interface RemoteSummary {
  readonly errors: Readonly<Record<string, number>>;
  readonly walBytes?: number;
}

export function encodeSent(id: number, at: number): string {
  return `s ${id} ${at}`;
}
export function encodeAcked(id: number, at: number, server: string | undefined): string {
  return `a ${id} ${at} ${server ?? '-'}`;
}
export function encodeFailed(id: number, at: number, outcome: 'failed' | 'in-doubt'): string {
  return `f ${id} ${at} ${outcome}`;
}

// Replays one event line into a ledger, its time moved onto kdrill's clock by `toLocal`. A
// sent id must be the ledger's next one: both sides number writes 1, 2, 3… in order.
export function replayEvent(line: string, ledger: LedgerWriter, toLocal: (remoteAt: number) => number): void {
  const [kind, idText, atText, extra] = line.split(' ');
  const id = Number(idText);
  const at = toLocal(Number(atText));
  if (!Number.isInteger(id) || id < 1 || !Number.isFinite(at)) throw new Error(`unreadable ledger event "${line}"`);
  if (kind === 's') {
    const local = ledger.send(at);
    if (local !== id) throw new Error(`ledger event for write ${id} arrived as write ${local}: events were lost or reordered`);
  } else if (kind === 'a') {
    ledger.acked(id, at, extra === '-' || extra === undefined ? undefined : extra);
  } else if (kind === 'f' && (extra === 'failed' || extra === 'in-doubt')) {
    ledger.failed(id, at, extra);
  } else {
    throw new Error(`unreadable ledger event "${line}"`);
  }
}
