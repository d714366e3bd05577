import type { JournalEntry } from '../journal/entries.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../model/writes.js';
import { firstAtOrAfter } from './sorted.js';
import { unmeasured, type FaultWindow, type LaterDisruption, type Measurement } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');
const PENDING = OUTCOMES.indexOf('pending');

// Which window a write is about: the one in effect when it ended (acknowledged, failed or in
// doubt). A write in flight when a fault took effect is that fault's, whenever it was sent.
export const belongsTo = (window: FaultWindow, sentAt: number, endAt: number): boolean => endAt >= window.t0 && endAt < window.end && sentAt < window.end;

export interface WindowRto {
  readonly impacted: boolean;
  readonly t1?: number;
  readonly rto: Measurement;
  readonly timeToImpact: Measurement;
  readonly downtime: Measurement;
  readonly timeToNewPrimary: Measurement;
  readonly disruptions: readonly LaterDisruption[];
  readonly outliers: number;
  readonly awaiting: boolean;
}

interface Candidate {
  readonly id: number;
  readonly sentAt: number;
}

// Trouble after t1, followed until writes are stable again.
interface Open {
  readonly startAt: number;
  failed: boolean;
  slowWrites: number;
  candidate?: Candidate;
}

/**
 * One fault's RTO from the ledger, over the writes that ended in its window [t0, end) (a write
 * in flight at t0 is the fault's), in send order; writes never answered say nothing of the
 * service and are left out (they are in doubt).
 * A write is an interruption when it failed or went in doubt, or when its acknowledgement ends
 * a pause longer than the gap bound since the previous acknowledgement of any write (during an
 * outage the driver cannot even connect, so "no write failed" alone would hold over an empty
 * outage). A slow write (acknowledged after more than the bound) is not healthy, but alone,
 * while others are served, it is a latency outlier, not an interruption. t1 is the send time of
 * the first healthy write after an interruption from which writes stayed healthy for the
 * stability window; a write acknowledged promptly right after a pause was itself served, so it
 * can be t1. Trouble after t1 is settled when writes are stable again: begun after the fault's
 * revert began, it is a heal disruption, reported on its own; a single slow write is an
 * outlier; anything else happened while the fault was in effect, so t1 moves past it.
 */
export function measureWindowRto(ledger: Ledger, acks: AckTimes, window: FaultWindow, boundMs: number, stabilityMs: number, loadEnd: number, from: readonly JournalEntry[]): WindowRto {
  const { t0, end } = window;
  const { served: servedBefore, server: before } = serviceBefore(ledger, t0);
  let impacted = false;
  let firstImpact: { id: number; at: number; why: string } | undefined;
  let candidate: Candidate | undefined;
  let t1: Candidate | undefined;
  let open: Open | undefined;
  let outliers = 0;
  let sent = 0;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let newPrimary: { id: number; endAt: number; node: number } | undefined;
  const disruptions: LaterDisruption[] = [];
  let reopened = 0;
  const healAfter = window.revertingAt ?? window.revertedAt ?? Number.POSITIVE_INFINITY;
  // Trouble after t1 is one of three things. Begun after the revert began: a heal disruption,
  // reported on its own. Shorter than the stability window, with no write failed and at most
  // one slow (with one connection a slow write is also a pause): a latency outlier. Anything
  // else happened while the fault was still in effect, so service had not been restored for
  // good: t1 moves past it (`until` is where writes were stable again; none: never again).
  const settle = (o: Open, until: Candidate | undefined): void => {
    if (o.startAt >= healAfter) {
      disruptions.push({ kind: 'heal', startAt: o.startAt, lengthMs: Math.max(0, (until?.sentAt ?? lastSentAt) - o.startAt), ...(until ? {} : { unrecovered: true as const }) });
    } else if (!o.failed && o.slowWrites <= 1 && until !== undefined && until.sentAt - o.startAt < stabilityMs) {
      outliers++; // shorter than the stability window, no write failed, at most one was slow
    } else {
      reopened++;
      t1 = until;
    }
  };

  ledger.forEach((id, sentAt, endAt, outcome, node) => {
    if (outcome === PENDING || !belongsTo(window, sentAt, endAt)) return;
    sent++;
    lastSentAt = Math.max(lastSentAt, sentAt);
    const acked = outcome === ACKED;
    if (acked && before !== 0 && node !== 0 && node !== before && !newPrimary) newPrimary = { id, endAt, node };
    const failed = !acked;
    const slow = acked && endAt - sentAt > boundMs;
    const previousAck = acked ? Math.max(t0, acks.before(endAt)) : Number.NaN;
    const pause = acked && endAt - previousAck > boundMs;
    const interrupted = failed || pause;
    const servedAfterPause = pause && !slow; // the write that ended the pause was itself served promptly
    const stoppedAt = failed ? Math.max(t0, sentAt) : previousAck; // when clients stopped being served

    if (t1 && (open || interrupted)) {
      open ??= { startAt: stoppedAt, failed: false, slowWrites: 0 };
      if (slow) open.slowWrites++;
      if (interrupted) {
        open.failed ||= failed;
        open.candidate = servedAfterPause ? { id, sentAt } : undefined;
      } else if (slow) {
        open.candidate = undefined;
      } else if (!open.candidate) {
        open.candidate = { id, sentAt };
      } else if (sentAt - open.candidate.sentAt >= stabilityMs) {
        const o = open;
        open = undefined;
        settle(o, o.candidate);
      }
      return;
    }
    if (t1) {
      if (slow) outliers++; // alone, while the others were served
      return;
    }
    if (interrupted) {
      impacted = true;
      firstImpact ??= failed
        ? { id, at: Math.max(t0, sentAt), why: `write ${id} ${sentAt < t0 ? 'in flight at t0' : 'sent'} then failed or went in doubt` }
        : { id, at: Math.min(sentAt, stoppedAt) + boundMs, why: `no acknowledgement for more than the gap bound (${boundMs} ms) before write ${id}` };
      candidate = servedAfterPause ? { id, sentAt } : undefined;
      return;
    }
    if (slow) {
      if (impacted) candidate = undefined;
      else outliers++;
      return;
    }
    if (!impacted) return;
    if (!candidate) candidate = { id, sentAt };
    else if (sentAt - candidate.sentAt >= stabilityMs) t1 = candidate;
  });
  if (open) settle(open, undefined);

  const windowEnd = Number.isFinite(end) ? 'before the next fault took effect' : 'before the load stopped';
  const observedMs = Math.min(end, loadEnd) - t0;
  let rto: Measurement;
  if (!servedBefore) rto = unmeasured('no write was acknowledged before t0, so there was no service to lose', from);
  else if (sent === 0) rto = unmeasured(`no write was sent after t0 ${windowEnd}: the RTO needs writes after t0`, from);
  else if (!impacted) {
    // A window the next fault ended early saw all its fault did: anything later is the next
    // fault's. One the load's end cut short may simply not have lasted long enough to tell.
    rto =
      observedMs < stabilityMs && !(end <= loadEnd)
        ? unmeasured(`writes were observed for only ${Math.round(observedMs)} ms after t0 before the load stopped, less than the stability window (${stabilityMs} ms)`, from)
        : { value: undefined, notExercised: true, why: `no write after t0 failed, went in doubt or paused for more than the gap bound (${boundMs} ms): clients saw no interruption, so this fault did not exercise the RTO`, from, evidence: { t0, gapBoundMs: boundMs } };
  } else if (!t1) {
    rto = unmeasured(`writes were never healthy for the stability window (${stabilityMs} ms) after the last interruption ${windowEnd}${reopened ? ' (service came back, then was interrupted again while the fault was in effect)' : ''}`, from, { t0, gapBoundMs: boundMs });
  } else {
    const again = reopened ? `; service came back earlier and was interrupted again ${reopened === 1 ? 'once' : `${reopened} times`} while the fault was in effect` : '';
    rto = { value: t1.sentAt - t0, why: `t1 = send time of write ${t1.id}, from which writes stayed healthy for the stability window (${stabilityMs} ms; gap bound ${boundMs} ms)${again}`, from, evidence: { t0, t1: t1.sentAt, firstStableId: t1.id, gapBoundMs: boundMs, ...(reopened ? { reopened } : {}) } };
  }
  const timeToImpact: Measurement = firstImpact
    ? { value: firstImpact.at - t0, why: firstImpact.why, from, evidence: { id: firstImpact.id } }
    : { ...unmeasured('no write after t0 failed or paused: clients saw no impact', from), ...(rto.notExercised ? { notExercised: true as const } : {}) };
  return {
    impacted,
    ...(t1 ? { t1: t1.sentAt } : {}),
    rto,
    timeToImpact,
    downtime: downtime(acks, t0, impacted ? t1?.sentAt : t0, boundMs, from),
    timeToNewPrimary: newPrimaryOf(ledger, newPrimary, before, t0, from),
    disruptions,
    outliers,
    // Only the last window can still change, and only if there was service before t0.
    awaiting: !Number.isFinite(end) && rto.value === undefined && !rto.notExercised && servedBefore,
  };
}

// The sum of the pauses over the bound between acknowledgements, from t0 to t1.
function downtime(acks: AckTimes, t0: number, t1: number | undefined, boundMs: number, from: readonly JournalEntry[]): Measurement {
  if (t1 === undefined) return unmeasured('service was not restored, so the downtime has no end', from);
  let last = t0;
  let total = 0;
  for (const at of acks.between(t0, t1 + boundMs)) {
    if (at - last > boundMs) total += at - last;
    last = at;
  }
  return { value: total, why: `sum of the pauses over the gap bound (${boundMs} ms) between acknowledgements from t0 to t1`, from, evidence: { t0, t1 } };
}

// The prompt acknowledgements of the run in time order: pauses are gaps between them as clients
// saw them, whatever order the writes were sent in. A write that hung (slower than the gap
// bound) is not service: its late acknowledgement (a frozen primary thawing, a discarded
// history answering) does not end a pause.
export class AckTimes {
  private readonly times: Float64Array;

  constructor(ledger: Ledger, boundMs: number) {
    const out: number[] = [];
    ledger.forEach((_id, sentAt, endAt, outcome) => {
      if (outcome === ACKED && endAt - sentAt <= boundMs) out.push(endAt);
    });
    this.times = Float64Array.from(out).sort();
  }

  // The last acknowledgement strictly before `at` (-Infinity when none).
  before(at: number): number {
    const i = firstAtOrAfter(this.times, at);
    return i > 0 ? this.times[i - 1]! : Number.NEGATIVE_INFINITY;
  }

  // The acknowledgements in [from, to).
  between(from: number, to: number): Float64Array {
    return this.times.subarray(firstAtOrAfter(this.times, from), firstAtOrAfter(this.times, to));
  }

}

// Whether any write was acknowledged before t0 (there was service to lose), and the server
// (1 + index into the ledger's node names, 0 unknown) that acknowledged the last one.
function serviceBefore(ledger: Ledger, t0: number): { served: boolean; server: number } {
  let served = false;
  let server = 0;
  let at = Number.NEGATIVE_INFINITY;
  ledger.forEach((_id, sentAt, endAt, outcome, node) => {
    if (sentAt >= t0 || endAt >= t0 || outcome !== ACKED) return;
    served = true;
    if (node !== 0 && endAt >= at) {
      server = node;
      at = endAt;
    }
  });
  return { served, server };
}

function newPrimaryOf(ledger: Ledger, first: { id: number; endAt: number; node: number } | undefined, before: number, t0: number, from: readonly JournalEntry[]): Measurement {
  if (before === 0) return unmeasured('no acknowledged write before the fault names a server', from);
  if (!first) return unmeasured(`every write after the fault was acknowledged by ${ledger.nodeNames[before - 1]}, the server from before`, from);
  return {
    value: first.endAt - t0,
    why: `write ${first.id} was the first acknowledged by ${ledger.nodeNames[first.node - 1]} instead of ${ledger.nodeNames[before - 1]}`,
    from,
    evidence: { id: first.id, server: ledger.nodeNames[first.node - 1], previous: ledger.nodeNames[before - 1] },
  };
}
