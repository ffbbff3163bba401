/**
 * The keyword leg's weight when it is "auto": set per query by how much the seller's words can say.
 * A hint like "Blue Casual product photo" is made of words most of the catalog holds (casual, summer,
 * blue; product and photo in none), and a full BM25 leg of them drags a good image leg down; a product
 * name ("Quechua Men Sweat Proof Blue T-shirt") holds rare words that name the article, and its leg lifts
 * the fusion. The measure is the query's IDF mass: the sum of BM25 IDFs of its distinct terms that some
 * row holds, leaving out the words of the category the filter already pins. The weight rises linearly
 * from LOW at `fromIdf` to HIGH at `toIdf`. All four numbers were chosen on the tune half of
 * bench/retrieval-flow.ts (hint, no hint and name queries together).
 */
import { ramp } from './ramp.js';
import { idf, type TermStats } from './term-stats.js';

/** The weight is `low` up to an IDF mass of `fromIdf`, `high` from `toIdf`, and linear between. */
export interface AutoKeywordCurve {
  low: number;
  high: number;
  fromIdf: number;
  toIdf: number;
}

export const AUTO_KEYWORD_WEIGHT: AutoKeywordCurve = { low: 0.3, high: 2, fromIdf: 8, toIdf: 12 };

export interface KeywordWeight {
  weight: number;
  /** The IDF mass the weight was read from; null when the weight was fixed by the settings. */
  informativeness: number | null;
}

/** IDF mass of `terms` (distinct, held by at least one row, not in `pinned`). */
export function idfMass(terms: readonly string[], pinned: ReadonlySet<string>, stats: TermStats): number {
  let mass = 0;
  for (const term of new Set(terms)) {
    const df = stats.documentFrequency.get(term) ?? 0;
    if (df > 0 && !pinned.has(term)) mass += idf(df, stats.rows);
  }
  return mass;
}

export function autoKeywordWeight(terms: readonly string[], pinned: ReadonlySet<string>, stats: TermStats, curve: AutoKeywordCurve = AUTO_KEYWORD_WEIGHT): KeywordWeight {
  const mass = idfMass(terms, pinned, stats);
  const t = ramp(mass - curve.fromIdf, curve.toIdf - curve.fromIdf);
  return { weight: curve.low + (curve.high - curve.low) * t, informativeness: mass };
}
