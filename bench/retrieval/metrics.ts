/**
 * Retrieval metrics for the leave-one-out protocol: each product queries the others; a hit is relevant when
 * it has the same label (articleType). mAP@10 divides by min(R, 10), R = relevant items among the others.
 */
export interface RetrievalScores {
  p1: number;
  p5: number;
  map10: number;
  queries: number;
}

/** Precision and average precision of one ranked list. `ranked` must not contain the query itself. */
export function scoreRanking(ranked: readonly number[], isRelevant: (index: number) => boolean, relevantCount: number) {
  let hits = 0;
  let ap = 0;
  let p1 = 0;
  let p5 = 0;
  for (let k = 0; k < Math.min(10, ranked.length); k++) {
    if (isRelevant(ranked[k])) {
      hits += 1;
      ap += hits / (k + 1);
    }
    if (k === 0) p1 = hits;
    if (k === 4) p5 = hits / 5;
  }
  if (ranked.length < 5) p5 = hits / 5; // short lists count their misses
  return { p1, p5, ap10: relevantCount > 0 ? ap / Math.min(relevantCount, 10) : 0 };
}

/** Averages per-query scores. `rank(q)` returns the ranked indices for query q (without q). */
export function evaluateLeaveOneOut(labels: readonly string[], rank: (q: number) => readonly number[], queries?: readonly number[]): RetrievalScores {
  const countByLabel = new Map<string, number>();
  for (const l of labels) countByLabel.set(l, (countByLabel.get(l) ?? 0) + 1);
  const qs = queries ?? labels.map((_, i) => i);
  let p1 = 0;
  let p5 = 0;
  let map10 = 0;
  for (const q of qs) {
    const s = scoreRanking(rank(q), (i) => labels[i] === labels[q], (countByLabel.get(labels[q]) ?? 1) - 1);
    p1 += s.p1;
    p5 += s.p5;
    map10 += s.ap10;
  }
  return { p1: p1 / qs.length, p5: p5 / qs.length, map10: map10 / qs.length, queries: qs.length };
}

/** The `n` best indices by descending score, excluding `exclude` and indices failing `allowed`. Ties: lower index first. */
export function topIndices(scores: ArrayLike<number>, n: number, exclude: number, allowed?: (i: number) => boolean): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (i !== exclude && (!allowed || allowed(i))) idx.push(i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx.slice(0, n);
}

/** Scores of ranked id lists: `rank(q)` is query q's list, `relevant(q, id)` says whether an id is relevant to q. */
export function evaluateRankings(
  queries: readonly number[],
  rank: (q: number) => readonly string[],
  relevant: (q: number, id: string) => boolean,
  relevantCount: (q: number) => number,
): RetrievalScores {
  let p1 = 0;
  let p5 = 0;
  let map10 = 0;
  for (const q of queries) {
    const ranked = rank(q);
    const s = scoreRanking(ranked.map((_, i) => i), (i) => relevant(q, ranked[i]), relevantCount(q));
    p1 += s.p1;
    p5 += s.p5;
    map10 += s.ap10;
  }
  const n = Math.max(1, queries.length);
  return { p1: p1 / n, p5: p5 / n, map10: map10 / n, queries: queries.length };
}
