import type { JournalEntry } from '../engine/journal-types.js';
import type { Ledger } from '../load/ledger/ledger.js';
import { OUTCOMES } from '../load/types.js';
import { unmeasured, type FaultWindow, type LaterDisruption, type Measurement } from './types.js';

const ACKED = OUTCOMES.indexOf('acked');

export interface WindowRto {
  readonly impacted: boolean;
  readonly t1?: number;
  readonly rto: Measurement;
  readonly timeToImpact: Measurement;
  readonly downtime: Measurement;
  readonly timeToNewPrimary: Measurement;
  readonly disruptions: readonly LaterDisruption[];
  readonly outliers: number;
}

interface Candidate {
  readonly id: number;
  readonly sentAt: number;
}

interface Open {
  readonly startAt: number;
  candidate?: Candidate;
}

/**
 * One fault's RTO from the ledger, over the writes sent in its window [t0, end), in send order.
 * A write is an interruption when it failed or went in doubt, or when its acknowledgement ends
 * a pause longer than the gap bound since the previous one (during an outage the driver cannot
 * even connect, so "no write failed" alone would hold over an empty outage). A slow write
 * (acknowledged after more than the bound) is not healthy, but alone, while others are served,
 * it is a latency outlier, not an interruption. t1 is the send time of the first healthy write
 * after the last interruption from which writes stayed healthy for the stability window; a
 * write acknowledged promptly right after a pause was itself served, so it can be t1. Once
 * found, t1 is final: a later interruption in the window is measured on its own, as a heal
 * disruption when it began after the fault was reverted, else as a later disruption.
 */
export function measureWindowRto(ledger: Ledger, acks: AckTimes, window: FaultWindow, boundMs: number, stabilityMs: number, loadEnd: number, from: readonly JournalEntry[]): WindowRto {
  const { t0, end } = window;
  const before = lastServerBefore(ledger, t0);
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
  const healAfter = window.revertingAt ?? window.revertedAt ?? Number.POSITIVE_INFINITY;
  const close = (o: Open, until: number, unrecovered: boolean): void => {
    disruptions.push({ kind: o.startAt >= healAfter ? 'heal' : 'later', startAt: o.startAt, lengthMs: Math.max(0, until - o.startAt), ...(unrecovered ? { unrecovered: true as const } : {}) });
  };

  ledger.forEach((id, sentAt, endAt, outcome, node) => {
    if (sentAt < t0 || sentAt >= end) return;
    sent++;
    lastSentAt = sentAt;
    const acked = outcome === ACKED;
    if (acked && before !== 0 && node !== 0 && node !== before && !newPrimary) newPrimary = { id, endAt, node };
    const failed = !acked;
    const slow = acked && endAt - sentAt > boundMs;
    const previousAck = acked ? Math.max(t0, acks.before(endAt)) : Number.NaN;
    const pause = acked && endAt - previousAck > boundMs;
    const interrupted = failed || pause;
    const servedAfterPause = pause && !slow; // the write that ended the pause was itself served promptly
    const stoppedAt = failed ? sentAt : previousAck; // when clients stopped being served

    if (t1) {
      // Service was restored: later trouble is measured apart and never moves t1.
      if (interrupted) {
        open ??= { startAt: stoppedAt };
        open.candidate = servedAfterPause ? { id, sentAt } : undefined;
      } else if (slow) {
        if (open) open.candidate = undefined;
        else outliers++;
      } else if (open) {
        if (!open.candidate) open.candidate = { id, sentAt };
        else if (sentAt - open.candidate.sentAt >= stabilityMs) {
          close(open, open.candidate.sentAt, false);
          open = undefined;
        }
      }
      return;
    }
    if (interrupted) {
      impacted = true;
      firstImpact ??= failed
        ? { id, at: sentAt, why: `write ${id} sent then failed or went in doubt` }
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
  if (open) close(open, lastSentAt, true);

  const windowEnd = Number.isFinite(end) ? 'before the next fault took effect' : 'before the load stopped';
  const observedMs = Math.min(end, loadEnd) - t0;
  let rto: Measurement;
  if (!hasAckBefore(ledger, t0)) rto = unmeasured('no write was acknowledged before t0, so there was no service to lose', from);
  else if (sent === 0) rto = unmeasured(`no write was sent after t0 ${windowEnd}: the RTO needs writes after t0`, from);
  else if (!impacted) {
    rto =
      observedMs < stabilityMs
        ? unmeasured(`writes were observed for only ${Math.round(observedMs)} ms after t0 ${windowEnd}, less than the stability window (${stabilityMs} ms)`, from)
        : { value: undefined, notExercised: true, why: `no write after t0 failed, went in doubt or paused for more than the gap bound (${boundMs} ms): clients saw no interruption, so this fault did not exercise the RTO`, from, evidence: { t0, gapBoundMs: boundMs } };
  } else if (!t1) {
    rto = unmeasured(`writes were never healthy for the stability window (${stabilityMs} ms) after the last interruption ${windowEnd}`, from, { t0, gapBoundMs: boundMs });
  } else {
    rto = { value: t1.sentAt - t0, why: `t1 = send time of write ${t1.id}, from which writes stayed healthy for the stability window (${stabilityMs} ms; gap bound ${boundMs} ms)`, from, evidence: { t0, t1: t1.sentAt, firstStableId: t1.id, gapBoundMs: boundMs } };
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
  };
}

function hasAckBefore(ledger: Ledger, t0: number): boolean {
  let found = false;
  ledger.forEach((_id, sentAt, endAt, outcome) => {
    if (!found && outcome === ACKED && endAt < t0 && sentAt < t0) found = true;
  });
  return found;
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

// Every acknowledgement of the run in time order: pauses are gaps between acknowledgements as
// clients saw them, whatever order the writes were sent in.
export class AckTimes {
  private readonly times: Float64Array;

  constructor(ledger: Ledger) {
    const out: number[] = [];
    ledger.forEach((_id, _sentAt, endAt, outcome) => {
      if (outcome === ACKED) out.push(endAt);
    });
    this.times = Float64Array.from(out).sort();
  }

  // The last acknowledgement strictly before `at` (-Infinity when none).
  before(at: number): number {
    const i = this.firstAtOrAfter(at);
    return i > 0 ? this.times[i - 1]! : Number.NEGATIVE_INFINITY;
  }

  // The acknowledgements in [from, to).
  between(from: number, to: number): Float64Array {
    return this.times.subarray(this.firstAtOrAfter(from), this.firstAtOrAfter(to));
  }

  private firstAtOrAfter(at: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// The server (1 + index into the ledger's node names) that acknowledged the last write before t0.
function lastServerBefore(ledger: Ledger, t0: number): number {
  let before = 0;
  let at = Number.NEGATIVE_INFINITY;
  ledger.forEach((_id, sentAt, endAt, outcome, node) => {
    if (sentAt < t0 && endAt < t0 && outcome === ACKED && node !== 0 && endAt >= at) {
      before = node;
      at = endAt;
    }
  });
  return before;
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
