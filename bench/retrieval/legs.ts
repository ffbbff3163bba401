/**
 * The three ways of ranking the other products for a query product, computed in memory (exact):
 * dense (cosine over the vectors), keyword (BM25 of the product's name against the other names) and
 * hybrid (RRF of the two with src/search/rrf.ts, the fusion the stores use). `sameGroup` restricts every
 * leg to products of the query's group (the gender filter), as a store filter would.
 */
import { fuseRrf } from '../../src/search/rrf.js';
import { Bm25Index } from './bm25.js';
import { topIndices } from './metrics.js';

export type Ranking = number[][];

export interface LegOptions {
  perLeg: number;
  /** Group of each item; when given, a query only sees items of its own group. */
  groups?: readonly string[];
}

function allowedFor(q: number, groups?: readonly string[]): ((i: number) => boolean) | undefined {
  return groups ? (i) => groups[i] === groups[q] : undefined;
}

export function denseRanking(vectors: readonly Float32Array[], options: LegOptions): Ranking {
  const n = vectors.length;
  const scores = new Float64Array(n);
  return vectors.map((query, q) => {
    for (let i = 0; i < n; i++) {
      const v = vectors[i];
      let dot = 0;
      for (let k = 0; k < v.length; k++) dot += query[k] * v[k];
      scores[i] = dot;
    }
    return topIndices(scores, options.perLeg, q, allowedFor(q, options.groups));
  });
}

/** Products with no query term in common are not returned (a keyword index returns only matches). */
export function keywordRanking(tokens: readonly (readonly string[])[], options: LegOptions): Ranking {
  const index = new Bm25Index(tokens);
  return tokens.map((query, q) => {
    const scores = index.scores(query);
    const allowed = allowedFor(q, options.groups);
    return topIndices(scores, options.perLeg, q, (i) => scores[i] > 0 && (!allowed || allowed(i)));
  });
}

export interface FusionSettings {
  k: number;
  denseWeight: number;
  keywordWeight: number;
}

export function hybridRanking(dense: Ranking, keyword: Ranking, fusion: FusionSettings, top = 10): Ranking {
  return dense.map((d, q) =>
    fuseRrf(
      [
        { name: 'dense', ids: d.map(String), weight: fusion.denseWeight },
        { name: 'keyword', ids: keyword[q].map(String), weight: fusion.keywordWeight },
      ],
      fusion.k,
    )
      .slice(0, top)
      .map((h) => Number(h.id)),
  );
}
