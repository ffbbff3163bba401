/**
 * The two legs of a hybrid search as Milvus requests, shared by denseSearch, keywordSearch and
 * hybridSearch so the legs a hybrid call fuses are exactly the legs the single-leg calls issue.
 */
import type { HybridSearchSingleReq, SearchResultData } from '@zilliz/milvus2-sdk-node';
import type { LegHit } from '../../ports/vector-store.js';
import type { ResolvedMilvusConfig } from './config.js';
import { FIELD, SPARSE_SEARCH_PARAMS, denseSearchParams } from './schema.js';
import { sparseDict, type SparseVector } from './sparse.js';

/**
 * One leg of a hybrid search. Milvus honours a per-leg `limit` (it becomes that leg's topk) but the
 * SDK's HybridSearchSingleReq type leaves it out; without it every leg would take the fused limit.
 */
export type MilvusLeg = HybridSearchSingleReq & { limit: number; expr: string };

export function denseLeg(config: ResolvedMilvusConfig, vector: Float32Array, expr: string, limit: number): MilvusLeg {
  return {
    // A typed array would be taken for raw bytes by the SDK: plain numbers.
    data: Array.from(vector),
    anns_field: FIELD.dense,
    params: denseSearchParams(config, limit),
    expr,
    limit,
  };
}

export function sparseLeg(query: SparseVector, expr: string, limit: number): MilvusLeg {
  return { data: sparseDict(query), anns_field: FIELD.sparse, params: { ...SPARSE_SEARCH_PARAMS }, expr, limit };
}

/** A leg's answer as LegHits, rank from 1 in the order Milvus returned them. */
export function toLegHits(results: SearchResultData[]): LegHit[] {
  return results.map((r, i) => ({ id: String(r.id), rank: i + 1, score: Number(r.score) }));
}
