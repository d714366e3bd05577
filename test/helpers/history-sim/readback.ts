import type { WriteFacts } from './driver.js';
import type { Term, World } from './world.js';

// Which committed writes the final primary holds, from the history of terms: the final term
// keeps its own commits and, walking up its ancestry, each ancestor's commits made at or
// before the handover of every later term (what each promoted replica had received).
export interface Survival {
  readonly survives: (id: number) => boolean;
  // The fault whose failover discarded a commit that did not survive (undefined: it survived).
  readonly lostBecauseOf: (id: number) => string | undefined;
  readonly readback: { has(id: number): boolean; readonly phantoms: readonly number[] };
}

export function survival(world: World, facts: WriteFacts): Survival {
  // cutoff[term]: its commits at or before this survive; absent: none of them do.
  const cutoff = new Map<number, number>();
  const childOnChain = new Map<number, Term>();
  let term: Term | undefined = world.finalTerm;
  let limit = Number.POSITIVE_INFINITY;
  while (term) {
    cutoff.set(term.index, limit);
    const parent: Term | undefined = term.parent >= 0 ? world.terms[term.parent] : undefined;
    if (parent) {
      childOnChain.set(parent.index, term);
      limit = Math.min(limit, term.handover);
    }
    term = parent;
  }
  const present = new Uint8Array(facts.sentAt.length + 1);
  const cause: (string | undefined)[] = [];
  facts.commitAt.forEach((c, i) => {
    const t = facts.term[i]!;
    if (t < 0 || Number.isNaN(c)) return;
    const keep = cutoff.get(t);
    if (keep === undefined) throw new Error(`history-sim: term ${t} is not on the surviving chain`);
    if (c <= keep) {
      present[i + 1] = 1;
      return;
    }
    // The first later term on the chain that did not receive it.
    let child = childOnChain.get(t);
    while (child && child.handover >= c) child = childOnChain.get(child.index);
    cause[i + 1] = child?.cause;
  });
  return {
    survives: (id) => present[id] === 1,
    lostBecauseOf: (id) => cause[id],
    readback: { has: (id) => present[id] === 1, phantoms: [] },
  };
}
