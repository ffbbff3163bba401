/**
 * Ranks a keyword leg in our own code when LanceDB's keyword index does not cover every row.
 *
 * LanceDB 0.33 searches rows written after the last index build with a flat scan that returns the
 * first matches it meets (not the best) and scores them on another scale than the indexed rows, so a
 * mixed result cannot be ranked by its `_score`. hitline re-indexes after every write, so this path only
 * runs while another process is in the middle of a write, or after a write was interrupted.
 *
 * Scoring is Okapi BM25 (k1 = 1.2, b = 0.75, LanceDB's defaults). Document frequencies are exact: every
 * row holding a query term is among the unfiltered matches. Document lengths are averaged over those
 * matches rather than the whole table, the one approximation here.
 */
const K1 = 1.2;
const B = 0.75;

export interface KeywordDoc {
  id: string;
  keywords: string;
}

/** BM25 score of each doc in `scored` against `terms`, with statistics from `matches` (all rows matching any term). */
export function bm25Scores(
  terms: readonly string[],
  matches: readonly KeywordDoc[],
  totalRows: number,
  scored: readonly KeywordDoc[],
): Map<string, number> {
  const queryTerms = [...new Set(terms.map((t) => t.toLowerCase()))];
  const tokenized = (doc: KeywordDoc) => doc.keywords.toLowerCase().split(/\s+/).filter(Boolean);
  const df = new Map<string, number>(queryTerms.map((t) => [t, 0]));
  let totalLength = 0;
  for (const doc of matches) {
    const tokens = tokenized(doc);
    totalLength += tokens.length;
    const present = new Set(tokens);
    for (const t of queryTerms) if (present.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const avgLength = matches.length > 0 ? totalLength / matches.length : 1;
  const n = Math.max(totalRows, matches.length);
  const scores = new Map<string, number>();
  for (const doc of scored) {
    const tokens = tokenized(doc);
    let score = 0;
    for (const t of queryTerms) {
      const tf = tokens.filter((x) => x === t).length;
      if (tf === 0) continue;
      const d = df.get(t) ?? 0;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * tokens.length) / avgLength));
    }
    scores.set(doc.id, score);
  }
  return scores;
}
