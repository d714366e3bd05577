import { distance } from 'fastest-levenshtein';

// The one candidate a typo most likely meant, or undefined when none is close or two tie.
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  const lower = given.toLowerCase();
  const exactIgnoringCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactIgnoringCase) return exactIgnoringCase;
  const limit = Math.max(2, Math.floor(given.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  if (best === undefined || bestDistance > limit || tie) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }
  return best;
}
