/**
 * The two legs of a hybrid search as Milvus search requests, shared by denseSearch, keywordSearch and
 * hybridSearch so the legs a hybrid call fuses are exactly the legs the single-leg calls issue. Every
 * leg names its metric: Milvus infers it from the index, Milvus Lite does not (it fails on rows not yet
 * in a segment when the SDK sends its default empty metric).
 */
import type { SearchData, SearchResultData } from '@zilliz/milvus2-sdk-node';
import type { LegHit } from '../../ports/vector-store.js';
import { keywordQuery, keywordScore } from './keyword-leg.js';
import type { OpenCollection } from './layout.js';
import { DENSE_METRIC, FIELD, SPARSE_SEARCH_PARAMS, denseSearchParams } from './schema.js';

/** One leg: the search request's parts that differ between the legs. */
export interface MilvusLeg {
  data: SearchData;
  anns_field: string;
  metric_type: string;
  params: Record<string, number>;
  expr: string;
  limit: number;
}

export function denseLeg(target: OpenCollection, vector: Float32Array, expr: string, limit: number): MilvusLeg {
  return {
    // A typed array would be taken for raw bytes by the SDK: plain numbers.
    data: Array.from(vector),
    anns_field: FIELD.dense,
    metric_type: DENSE_METRIC,
    params: denseSearchParams(target.config, limit),
    expr,
    limit,
  };
}

/** The keyword leg, or null when the keywords hold no term (the leg then returns nothing). */
export function keywordLeg(target: OpenCollection, keywords: string, expr: string, limit: number): MilvusLeg | null {
  const query = keywordQuery(target.layout.keywordLeg, keywords);
  if (!query) return null;
  return { data: query.data, anns_field: FIELD.sparse, metric_type: query.metric, params: { ...SPARSE_SEARCH_PARAMS }, expr, limit };
}

/**
 * A leg's answer as LegHits: the leg's own score (positive, larger is better), best first, ties in id
 * order as LanceDB's legs break them, ranks from 1. Ties are frequent on the keyword leg (products with
 * the same words), and breaking them the same way in both stores keeps their fused orders the same.
 */
export function toLegHits(target: OpenCollection, leg: MilvusLeg, results: SearchResultData[]): LegHit[] {
  const score = (raw: number) => (leg.anns_field === FIELD.sparse ? keywordScore(target.layout.keywordLeg, raw) : raw);
  return results
    .map((r) => ({ id: String(r.id), score: score(Number(r.score)) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((h, i) => ({ id: h.id, rank: i + 1, score: h.score }));
}
