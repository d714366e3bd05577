import type { MonoTime } from '../../model/time.js';
import type { ClockAlignment } from '../../model/load.js';

// A remote driver's clock against kdrill's, from alignments taken at the start, periodically
// while the load runs, and at the end. An alignment says: remote time R = at + shift happened
// at local time `at`, give or take its uncertainty u. Between two alignments the shift is
// taken to change linearly (a clock running at a steady rate against kdrill's).

const remoteOf = (a: ClockAlignment): number => a.at + a.shift;

// With a single alignment the drift is unknown: 1000 ppm, twice the 500 ppm the kernel lets
// NTP slew a clock by (once for each side), bounds it for any clock that is not broken.
export const UNKNOWN_DRIFT = 1e-3;

export interface ClockMapping {
  // kdrill's time of a remote time.
  toLocal(remoteAt: number): MonoTime;
  // The ± of toLocal(remoteAt).
  uncertaintyAt(remoteAt: number): number;
  // The largest ± of any remote time in [from, to].
  maxUncertainty(from: number, to: number): number;
  readonly alignments: readonly ClockAlignment[];
  readonly driftMs: number; // last shift minus first
}

// Keeps the alignments whose remote and local times both increase (a later one that does not
// carries nothing a line could use; real monotonic clocks never produce one).
function usable(alignments: readonly ClockAlignment[]): ClockAlignment[] {
  const kept: ClockAlignment[] = [];
  for (const a of alignments) {
    const last = kept.at(-1);
    if (!last || (a.at > last.at && remoteOf(a) > remoteOf(last))) kept.push(a);
  }
  return kept;
}

// The shift interpolated linearly between the two alignments around each remote time, and
// extrapolated from the nearest two before the first and after the last.
//
// The ± of a converted time is the sum of three parts:
// - measurement: the shift there is a weighted mean of two measured shifts, (1-w)·s_i + w·s_j,
//   each off by at most its u, so it is off by at most |1-w|·u_i + |w|·u_j (the larger of the
//   two between them; growing with the distance when extrapolated);
// - bend: how far the true shift may stray from the straight line over a segment of length L.
//   The evidence is how much the drift rate (the slope of the shift) changes at a middle
//   alignment: Δk between the segments on either side of it, widened by what the alignments'
//   u can hide ((u + u) / L of each segment's slope). A segment between two middle alignments
//   takes (Δk_i + Δk_j)·L/4: tight for one sudden change of rate Δρ anywhere in it (the chord
//   misses by Δρ·x·(L-x)/L ≤ Δρ·L/4, and the slopes around it change by Δρ in all), at least
//   twice over for a rate that changes steadily, whatever the spacing (gaps left by failed
//   alignments included). A first or last segment has one middle end and takes Δk·L (a
//   change at x from its outer end shows there as Δρ·x/L only, and the chord misses by less
//   than Δρ·x). This holds while the rate changes at most once, or steadily, over three
//   consecutive segments; a change undone within one segment leaves no trace. With only two
//   alignments no change of rate shows: half the total drift (widened by both u) bounds the
//   bend whenever the drift rate kept its sign and never exceeded twice its mean, since the
//   shift then strays from the chord by at most mean rate × min(t, T - t) ≤ drift / 2;
// - extrapolation: beyond the first or last alignment, the drift rate may change by as much
//   as it is (the same assumption), so |rate| × the distance is added.
// With one alignment, its u plus UNKNOWN_DRIFT × the distance from it.
export function interpolateClock(all: readonly ClockAlignment[]): ClockMapping {
  const a = usable(all);
  if (a.length === 0) throw new Error('cannot convert remote times without a clock alignment');
  const n = a.length;
  const R = a.map(remoteOf);
  const driftMs = a[n - 1]!.shift - a[0]!.shift;

  if (n === 1) {
    const only = a[0]!;
    const uncertaintyAt = (r: number): number => only.uncertaintyMs + UNKNOWN_DRIFT * Math.abs(r - R[0]!);
    return {
      toLocal: (r) => r - only.shift,
      uncertaintyAt,
      maxUncertainty: (from, to) => Math.max(uncertaintyAt(from), uncertaintyAt(to)),
      alignments: a,
      driftMs,
    };
  }

  const length = (i: number): number => R[i + 1]! - R[i]!;
  const slope = (i: number): number => (a[i + 1]!.shift - a[i]!.shift) / length(i);
  // The change of drift rate at middle alignment j, widened by what the alignments' u can hide.
  const rateChange = (j: number): number =>
    Math.abs(slope(j) - slope(j - 1)) + (a[j - 1]!.uncertaintyMs + a[j]!.uncertaintyMs) / length(j - 1) + (a[j]!.uncertaintyMs + a[j + 1]!.uncertaintyMs) / length(j);
  const bendOf: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    if (n === 2) bendOf.push((Math.abs(driftMs) + a[0]!.uncertaintyMs + a[1]!.uncertaintyMs) / 2);
    else if (i === 0) bendOf.push(rateChange(1) * length(0));
    else if (i === n - 2) bendOf.push(rateChange(n - 2) * length(n - 2));
    else bendOf.push(((rateChange(i) + rateChange(i + 1)) * length(i)) / 4);
  }

  // Segment i joins alignments i and i + 1; the first and last extend outwards.
  const segmentOf = (r: number): number => {
    let lo = 0;
    let hi = n - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (R[mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const weight = (i: number, r: number): number => (r - R[i]!) / length(i);
  const shiftAt = (i: number, r: number): number => {
    const w = weight(i, r);
    return a[i]!.shift + w * (a[i + 1]!.shift - a[i]!.shift);
  };
  const uncertaintyOn = (i: number, r: number): number => {
    const w = weight(i, r);
    const measurement = Math.abs(1 - w) * a[i]!.uncertaintyMs + Math.abs(w) * a[i + 1]!.uncertaintyMs;
    const outside = r < R[0]! ? R[0]! - r : r > R[n - 1]! ? r - R[n - 1]! : 0;
    return measurement + bendOf[i]! + Math.abs(slope(i)) * outside;
  };

  return {
    toLocal: (r) => r - shiftAt(segmentOf(r), r),
    uncertaintyAt: (r) => uncertaintyOn(segmentOf(r), r),
    // Within a segment the ± is largest at an end of the part of it in [from, to].
    maxUncertainty: (from, to) => {
      let worst = 0;
      for (let i = 0; i < n - 1; i++) {
        const lo = Math.max(from, i === 0 ? -Infinity : R[i]!);
        const hi = Math.min(to, i === n - 2 ? Infinity : R[i + 1]!);
        if (lo <= hi) worst = Math.max(worst, uncertaintyOn(i, lo), uncertaintyOn(i, hi));
      }
      return worst;
    },
    alignments: a,
    driftMs,
  };
}

interface Piece {
  readonly r: number; // from this remote time on
  readonly l: MonoTime; // local time at r
  readonly k: number; // local ms per remote ms
}

// kdrill's best estimate while the load runs, from the alignments so far, for replaying
// events live; once the last alignment is in, toRemote() undoes it so every write can be
// re-timed by interpolateClock.
//
// From each alignment on, times follow the line through it and the one before (the first
// alone: its shift), except that the estimate never jumps: it starts where the previous
// estimate had got to and steers onto the new line within `horizonMs` of remote time. So it
// is continuous and increasing, and toRemote() is exact. Each time depends only on the
// alignments before it in remote time, which were all in when it was replayed (alignments and
// fetches take turns, and an alignment reads the remote clock after every event fetched
// before it), so the same mapping converts it forwards and back.
export class LiveClock {
  private readonly pieces: Piece[] = [];
  private last: ClockAlignment | undefined;

  constructor(private readonly horizonMs: number) {}

  // False when the alignment is not later than the last one in both clocks (then ignored).
  add(alignment: ClockAlignment): boolean {
    const r = remoteOf(alignment);
    const previous = this.last;
    if (!previous) {
      this.pieces.push({ r, l: alignment.at, k: 1 });
      this.last = alignment;
      return true;
    }
    if (alignment.at <= previous.at || r <= remoteOf(previous)) return false;
    const k = (alignment.at - previous.at) / (r - remoteOf(previous));
    const start = this.toLocal(r);
    while (this.pieces.length > 1 && this.pieces.at(-1)!.r >= r) this.pieces.pop();
    const target = alignment.at + k * this.horizonMs;
    const steer = Math.min(2 * k, Math.max(k / 2, (target - start) / this.horizonMs));
    this.pieces.push({ r, l: start, k: steer }, { r: r + this.horizonMs, l: start + steer * this.horizonMs, k });
    this.last = alignment;
    return true;
  }

  toLocal(remoteAt: number): MonoTime {
    const p = this.find((q) => q.r <= remoteAt);
    return p.l + (remoteAt - p.r) * p.k;
  }

  toRemote(localAt: MonoTime): number {
    const p = this.find((q) => q.l <= localAt);
    return p.r + (localAt - p.l) / p.k;
  }

  // The last piece that `before` accepts (pieces increase in both r and l), else the first.
  private find(before: (piece: Piece) => boolean): Piece {
    if (this.pieces.length === 0) throw new Error('cannot convert remote times without a clock alignment');
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (before(this.pieces[mid]!)) lo = mid;
      else hi = mid - 1;
    }
    return this.pieces[lo]!;
  }
}
