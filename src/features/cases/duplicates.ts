// Duplicate detection, pure: character bigrams of the normalised text (Chinese has no spaces, so
// bigrams are the natural unit) and their Jaccard similarity.

/** Lower-cased, punctuation and spaces removed, full-width letters and digits folded (NFKC). */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

export function bigrams(text: string): Set<string> {
  const chars = [...normalise(text)];
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Candidates at or above the threshold, most similar first. */
export function findDuplicates<T extends { text: string }>(text: string, candidates: readonly T[], threshold: number): { candidate: T; similarity: number }[] {
  const mine = bigrams(text);
  return candidates
    .map((candidate) => ({ candidate, similarity: jaccard(mine, bigrams(candidate.text)) }))
    .filter((d) => d.similarity >= threshold)
    .sort((x, y) => y.similarity - x.similarity);
}
