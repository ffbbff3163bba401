/**
 * The real flow's legs computed in memory, exactly: dense = cosine over the query's filtered catalog,
 * keyword = BM25 (bm25.ts) of the seller's words over the catalog's keywords, under the same filter, and
 * the catalog's term statistics. They feed the very fusion `match` runs (src/search/fuse-match.ts), so the
 * settings sweep measures the shipped code without a store round trip per setting. The final table runs
 * the same queries through LanceDB and `matchProduct` (flow-store.ts).
 */
import type { CandidateFields } from '../../src/search/candidate-legs.js';
import { fuseMatch, type SellerWords } from '../../src/search/fuse-match.js';
import type { FusionSettings } from '../../src/search/fusion-settings.js';
import { TermCounter, type TermStats } from '../../src/search/term-stats.js';
import { keywordText } from '../../src/search/tokenize.js';
import { Bm25Index } from './bm25.js';
import type { FashionItem } from './fashion-set.js';
import { FOLDS, catalogRow, categoryOf, foldOf, newProduct, type Flow } from './flow-set.js';

export interface MemoryQuery {
  index: number;
  seller: SellerWords;
  /** The first `maxPerLeg` ids of each leg, best first. */
  dense: string[];
  keyword: string[];
  stats: TermStats;
  /** Share of the fold's catalog the category filter keeps (what match.ts counts through the store). */
  categoryShare: number;
}

export interface MemoryFlow {
  flow: Flow;
  queries: MemoryQuery[];
  /** Catalog fields of every product (category as this flow's granularity). */
  records: Map<string, CandidateFields>;
}

/** Cosine similarity of every pair (vectors are unit length), computed once for all flows. */
export function similarityMatrix(vectors: readonly Float32Array[]): Float32Array[] {
  const n = vectors.length;
  const out = vectors.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      const a = vectors[i];
      const b = vectors[j];
      for (let k = 0; k < a.length; k++) dot += a[k] * b[k];
      out[i][j] = dot;
      out[j][i] = dot;
    }
  }
  return out;
}

export function prepareMemoryFlow(items: readonly FashionItem[], similarity: readonly Float32Array[], flow: Flow, maxPerLeg: number): MemoryFlow {
  const rows = items.map((item) => catalogRow(item, new Float32Array(0), flow.granularity));
  const category = items.map((item) => categoryOf(item, flow.granularity));
  const folds = Array.from({ length: FOLDS }, (_, f) => {
    const catalog = items.map((_, i) => i).filter((i) => foldOf(i) !== f);
    const counter = new TermCounter();
    for (const i of catalog) counter.add(rows[i].keywords);
    return { catalog, bm25: new Bm25Index(catalog.map((i) => rows[i].keywords.split(' '))), counter };
  });
  const queries = items.map((item, q): MemoryQuery => {
    const fold = folds[foldOf(q)];
    const product = newProduct(item, flow);
    const keywords = keywordText(product.category, product.style, product.season, product.promptHint);
    const terms = keywords ? keywords.split(' ') : [];
    const allowed = fold.catalog.filter((i) => category[i] === category[q]);
    const dense = [...allowed].sort((a, b) => similarity[q][b] - similarity[q][a] || a - b).slice(0, maxPerLeg);
    const bm25 = fold.bm25.scores(terms);
    const scoreOf = new Map(fold.catalog.map((i, j) => [i, bm25[j]]));
    const keyword = allowed.filter((i) => scoreOf.get(i)! > 0).sort((a, b) => scoreOf.get(b)! - scoreOf.get(a)! || a - b).slice(0, maxPerLeg);
    return {
      index: q,
      seller: { category: product.category, style: product.style, season: product.season, keywordTerms: terms },
      dense: dense.map((i) => items[i].id),
      keyword: keyword.map((i) => items[i].id),
      stats: fold.counter.stats(terms),
      categoryShare: allowed.length / fold.catalog.length,
    };
  });
  return { flow, queries, records: new Map(rows.map((r) => [r.id, r])) };
}

/** The fused ranking `match` would return for this query with these settings (first `top` ids). */
export function rankInMemory(m: MemoryFlow, q: MemoryQuery, settings: FusionSettings, perLeg: number, k: number, top = 10): string[] {
  const dense = q.dense.slice(0, perLeg);
  const fused = fuseMatch({ dense, keyword: q.keyword.slice(0, perLeg), candidates: m.records, categoryShare: q.categoryShare }, q.seller, settings, k, q.stats);
  return fused.hits.slice(0, top).map((h) => h.id);
}
