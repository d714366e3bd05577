const MAX_SUGGESTION_INPUT = 100;

// The one candidate a typo most likely meant, or undefined when none is close or two tie.
// Distance counts a swap of neighbours as one edit ("dsc" → "dcs"), and short words get a
// tighter limit, so "node" is not offered "name".
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  // No name kdrill knows is this long: a megabyte of input is no typo, and its distance to
  // every candidate would cost time and memory for nothing.
  if (given.length > MAX_SUGGESTION_INPUT) return undefined;
  const lower = given.toLowerCase();
  const exactIgnoringCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactIgnoringCase) return exactIgnoringCase;
  const limit = given.length <= 4 ? 1 : Math.max(2, Math.floor(given.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: such a candidate can neither be
    // accepted (past the limit) nor tie with one that is.
    if (Math.abs(candidate.length - lower.length) > limit) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  if (best !== undefined && bestDistance <= limit && !tie) return best;
  const prefixed = candidates.filter((c) => lower.length >= 3 && (c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase())));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
