/** Edit distance (insert, delete, substitute, each cost 1) between two strings. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Distance from `needle` to the best-matching part of `hay` (approximate substring match). */
function partialDistance(needle: string, hay: string): number {
  let previous: number[] = Array.from({ length: hay.length + 1 }, () => 0);
  for (let i = 1; i <= needle.length; i++) {
    const current = [i];
    for (let j = 1; j <= hay.length; j++) {
      const substitution = previous[j - 1] + (needle[i - 1] === hay[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return Math.min(...previous);
}

/**
 * The closest candidate to a misspelt name, or undefined when nothing is close enough to be a plausible typo.
 * A near match on part of a candidate also counts (`e164x` → `phone_e164`), because users often half-remember long names.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const hay = name.toLowerCase();
    let score = levenshtein(needle, hay);
    if (needle.length >= 3) score = Math.min(score, partialDistance(needle, hay) + 1);
    if (best === undefined || score < best.score) best = { name, score };
  }
  if (best === undefined) return undefined;
  // Short names are a step away from everything: never suggest by replacing the whole word.
  const limit = Math.min(Math.max(2, Math.floor(needle.length / 3)), needle.length - 1);
  return best.score <= limit ? best.name : undefined;
}

/** ` (did you mean "x"?)` or an empty string, ready to append to a message. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
