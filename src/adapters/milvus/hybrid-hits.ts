/**
 * Turning Milvus's fused answer into HybridHits. Milvus returns fused ids and RRF scores only, so the
 * per-leg ranks come from the two leg searches issued beside the hybrid call (same requests, same
 * filter). When a hit's ranks reproduce Milvus's score, the score is recomputed in float64 from them
 * (Milvus reports float32), so the order equals search/rrf.ts `fuseRrf` exactly, ties included.
 */
import type { SearchResultData } from '@zilliz/milvus2-sdk-node';
import type { HybridHit, LegHit } from '../../ports/vector-store.js';
import { fromMilvusRow } from './rows.js';

/** Milvus's float32 score against our float64 recomputation. */
const SCORE_TOLERANCE = 1e-6;

export function assembleHybridHits(fused: SearchResultData[], dense: LegHit[], keyword: LegHit[], k: number): HybridHit[] {
  const denseRank = new Map(dense.map((h) => [h.id, h.rank]));
  const keywordRank = new Map(keyword.map((h) => [h.id, h.rank]));
  const hits = fused.map((r): HybridHit => {
    const id = String(r.id);
    const dr = denseRank.get(id) ?? null;
    const kr = keywordRank.get(id) ?? null;
    const serverScore = Number(r.score);
    const local = (dr === null ? 0 : 1 / (k + dr)) + (kr === null ? 0 : 1 / (k + kr));
    const score = Math.abs(local - serverScore) <= SCORE_TOLERANCE ? local : serverScore;
    return { product: fromMilvusRow(r as Record<string, unknown>), score, denseRank: dr, keywordRank: kr };
  });
  return hits.sort(compareHits);
}

/** fuseRrf's order: score, then the better of the two ranks, then id. */
export function compareHits(a: HybridHit, b: HybridHit): number {
  return b.score - a.score || bestRank(a) - bestRank(b) || (a.product.id < b.product.id ? -1 : a.product.id > b.product.id ? 1 : 0);
}

function bestRank(h: HybridHit): number {
  return Math.min(h.denseRank ?? Infinity, h.keywordRank ?? Infinity);
}
