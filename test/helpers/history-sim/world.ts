import type { Script } from './script.js';

// The world a script describes, as the load driver and the truth query it: each server's
// state over time, when its connections were reset, which server the read-write endpoint
// routes new connections to, and the history of writable terms (which server was primary,
// from when, and which of its predecessor's commits it had received when promoted).

export type ServerState = 'up' | 'down' | 'frozen' | 'read-only' | 'stalled';

interface Span {
  readonly from: number;
  readonly to: number;
  readonly state: Exclude<ServerState, 'up'>;
}

// Every connection to `server` is terminated at `at`. `kill`: the server closed them (a reply
// already on the wire still arrives); `cut`: the flows were reset in the network (it does not).
export interface Reset {
  readonly at: number;
  readonly server: string;
  readonly kind: 'kill' | 'cut';
}

// One server's tenure as a writable primary. Commits on it survive the history when the
// chain of later terms inherited them: a child term inherits its parent's commits made at
// or before `handover` (what the promoted replica had received).
export interface Term {
  readonly index: number;
  readonly server: string;
  readonly from: number;
  to: number;
  readonly parent: number; // -1: the first term
  readonly handover: number; // of the parent's commits, those at or before this survive in this term
  readonly cause?: string; // the fault whose failover began this term
}

interface RouteChange {
  readonly from: number;
  readonly targets: readonly string[]; // []: refused; two: new connections spread over both
}

export class World {
  readonly terms: Term[] = [];
  private readonly spans = new Map<string, Span[]>();
  private readonly resets = new Map<string, Reset[]>();
  private readonly routes: RouteChange[] = [];

  constructor(readonly script: Script) {
    for (const s of script.servers) {
      this.spans.set(s, []);
      this.resets.set(s, []);
    }
    this.terms.push({ index: 0, server: script.initialPrimary, from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, parent: -1, handover: Number.NaN });
    this.routes.push({ from: Number.NEGATIVE_INFINITY, targets: [script.initialPrimary] });
    this.build();
  }

  // The state of a server at x (spans are half-open: [from, to)).
  stateAt(server: string, x: number): ServerState {
    for (const s of this.spans.get(server)!) if (s.from <= x && x < s.to) return s.state;
    return 'up';
  }

  // When a frozen or stalled server runs again (x itself when it is running).
  runsFrom(server: string, x: number): number {
    let t = x;
    for (let moved = true; moved; ) {
      moved = false;
      for (const s of this.spans.get(server)!) {
        if ((s.state === 'frozen' || s.state === 'stalled') && s.from <= t && t < s.to) {
          t = s.to;
          moved = true;
        }
      }
    }
    return t;
  }

  // The first reset of the server's connections in (after, upTo].
  firstReset(server: string, after: number, upTo = Number.POSITIVE_INFINITY): Reset | undefined {
    for (const r of this.resets.get(server)!) if (r.at > after && r.at <= upTo) return r;
    return undefined;
  }

  // The writable term of `server` at x, if it is a primary then.
  termAt(server: string, x: number): Term | undefined {
    return this.terms.find((t) => t.server === server && t.from <= x && x < t.to);
  }

  // The term most recently begun at x: whose server the world regards as the primary.
  latestTermAt(x: number): Term {
    let best = this.terms[0]!;
    for (const t of this.terms) if (t.from <= x && t.from >= best.from) best = t;
    return best;
  }

  routeAt(x: number): readonly string[] {
    let targets = this.routes[0]!.targets;
    for (const r of this.routes) if (r.from <= x) targets = r.targets;
    return targets;
  }

  get finalTerm(): Term {
    return this.terms[this.terms.length - 1]!;
  }

  // Where the replicas had got to when the primary stopped streaming at `at`.
  private replicatedAt(at: number): number {
    let position = at;
    for (const f of this.script.faults) {
      if (f.effect.kind === 'replica-cut' && f.t0 <= at && at < f.revertedAt) position = Math.min(position, f.t0);
    }
    return position - this.script.lagMs;
  }

  private span(server: string, from: number, to: number, state: Span['state']): void {
    if (to > from) this.spans.get(server)!.push({ from, to, state });
  }

  private reset(server: string, at: number, kind: Reset['kind']): void {
    this.resets.get(server)!.push({ at, server, kind });
  }

  private route(from: number, targets: readonly string[]): void {
    this.routes.push({ from, targets });
  }

  private promote(server: string, from: number, handover: number, cause: string): void {
    const parent = this.terms.length - 1;
    this.terms.push({ index: this.terms.length, server, from, to: Number.POSITIVE_INFINITY, parent, handover, cause });
  }

  private build(): void {
    for (const f of this.script.faults) {
      const current = this.terms[this.terms.length - 1]!;
      const p = current.server;
      const e = f.effect;
      switch (e.kind) {
        case 'none':
        case 'replica-cut':
          break;
        case 'crash-restart':
          this.reset(p, f.t0, 'kill');
          this.span(p, f.t0, e.restartAt, 'down');
          this.route(f.t0, []);
          this.route(f.restoredAt, [p]);
          break;
        case 'crash-failover':
          this.reset(p, f.t0, 'kill');
          this.span(p, f.t0, f.revertedAt, 'down');
          current.to = f.t0;
          this.promote(e.to, e.promoteAt, this.replicatedAt(f.t0), f.id);
          this.route(f.t0, []);
          this.route(e.routeAt, [e.to]);
          break;
        case 'freeze':
          this.span(p, f.t0, e.thawAt, 'frozen');
          if (e.failover) {
            current.to = e.failover.demoteAt;
            this.reset(p, e.failover.demoteAt, 'kill');
            this.promote(e.failover.to, e.failover.promoteAt, this.replicatedAt(f.t0), f.id);
            this.route(e.failover.routeAt, [e.failover.to]);
          }
          break;
        case 'read-only':
          this.reset(p, f.t0, 'kill');
          this.span(p, f.t0, f.t0 + e.restartMs, 'down');
          this.span(p, f.t0 + e.restartMs, e.until, 'read-only');
          break;
        case 'split-brain':
          this.reset(p, f.t0, 'cut');
          current.to = e.fenceAt;
          this.reset(p, e.fenceAt, 'kill');
          this.promote(e.to, e.promoteAt, this.replicatedAt(f.t0), f.id);
          this.route(f.t0, []);
          this.route(e.routeAt, [p, e.to]);
          this.route(e.fenceAt, [e.to]);
          break;
      }
      if (f.heal) this.span(this.latestTermAt(f.heal.at).server, f.heal.at, f.heal.at + f.heal.lengthMs, 'stalled');
    }
    for (const b of this.script.blips) {
      const server = this.latestTermAt(b.at).server;
      if (b.mode === 'hang') this.span(server, b.at, b.at + b.lengthMs, 'stalled');
      else {
        this.reset(server, b.at, 'kill');
        this.span(server, b.at, b.at + b.lengthMs, 'down');
      }
    }
    for (const list of this.resets.values()) list.sort((a, b) => a.at - b.at);
    this.routes.sort((a, b) => a.from - b.from);
  }
}
