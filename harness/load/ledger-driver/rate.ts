// Hands out send slots at a fixed rate. Slots missed during an outage are skipped, not made
// up in a burst afterwards, so the offered load stays what the scenario asked for.
export class RateLimiter {
  private next: number;

  constructor(
    private readonly perSecond: number | 'max',
    now: number,
  ) {
    this.next = now;
  }

  // The time to send at (≥ now), reserving it.
  take(now: number): number {
    if (this.perSecond === 'max') return now;
    const interval = 1000 / this.perSecond;
    if (this.next < now - interval) this.next = now;
    const slot = this.next;
    this.next += interval;
    return Math.max(slot, now);
  }
}
