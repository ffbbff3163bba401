/**
 * Searches on the collection: one leg alone, and the hybrid search.
 *
 * The fused order is always search/rrf.ts `fuseRrf` over the two legs (the reference both stores
 * follow, weights included), so LanceDB and Milvus give the same fused order for the same legs. With
 * equal weights and 0 < k < 16384 Milvus's RRFRanker fuses the same legs on the server in the same call
 * (the tutorial's hybrid search) and its answer carries the records of the fused hits; it can only
 * differ from fuseRrf in how ties are broken, and where it does, hitline's order is kept and the missing
 * records are read by id. Other weights are fused here only: Milvus's WeightedRanker weights scores, not
 * ranks, so it is not weighted RRF. Arguments are checked by the store (store-rules) before they get here.
 */
import { RRFRanker, type SearchResultData } from '@zilliz/milvus2-sdk-node';
import { fuseRrf } from '../../search/rrf.js';
import type { HybridQuery, HybridResult, LegHit, ProductRecord } from '../../ports/vector-store.js';
import { callMilvus, checkStatus } from './errors.js';
import type { OpenCollection } from './layout.js';
import { readByIds } from './rows-by-id.js';
import { fromMilvusRow } from './rows.js';
import { FIELD, RECORD_FIELDS } from './schema.js';
import { denseLeg, keywordLeg, toLegHits, type MilvusLeg } from './search-legs.js';

/** Milvus's RRFRanker accepts k in (0, 16384). */
const MAX_RRF_K = 16384;

/** One leg alone: the same request the hybrid call carries for that leg. */
export async function runLeg(target: OpenCollection, leg: MilvusLeg): Promise<LegHit[]> {
  const { client, config } = target;
  const action = `searching the ${leg.anns_field} leg`;
  const res = await callMilvus(config, action, () =>
    client.search({
      collection_name: config.collection,
      data: leg.data,
      anns_field: leg.anns_field,
      metric_type: leg.metric_type,
      params: leg.params,
      expr: leg.expr,
      limit: leg.limit,
      output_fields: [FIELD.id],
    }),
  );
  checkStatus(res.status, config, action);
  return toLegHits(target, leg, res.results as SearchResultData[]);
}

/** `expr` is the compiled filter, already scoped to the store's tenant. */
export async function hybridSearch(target: OpenCollection, query: HybridQuery, expr: string): Promise<HybridResult> {
  const dense = denseLeg(target, query.vector, expr, query.perLeg);
  const keyword = keywordLeg(target, query.keywords, expr, query.perLeg);
  const weights = { dense: query.weights?.dense ?? 1, keyword: query.weights?.keyword ?? 1 };
  const serverFuses = keyword !== null && weights.dense === 1 && weights.keyword === 1 && query.rrfK > 0 && query.rrfK < MAX_RRF_K;
  const [denseHits, keywordHits, serverHits] = await Promise.all([
    runLeg(target, dense),
    keyword ? runLeg(target, keyword) : Promise.resolve([] as LegHit[]),
    serverFuses ? serverRrf(target, [dense, keyword], query) : Promise.resolve([] as SearchResultData[]),
  ]);
  const fused = fuseRrf(
    [
      { name: 'dense', ids: denseHits.map((h) => h.id), weight: weights.dense },
      { name: 'keyword', ids: keywordHits.map((h) => h.id), weight: weights.keyword },
    ],
    query.rrfK,
  ).slice(0, query.top);
  const records = new Map(serverHits.map((r) => [String(r.id), fromMilvusRow(r as Record<string, unknown>)]));
  const missing = fused.map((f) => f.id).filter((id) => !records.has(id));
  if (missing.length > 0) {
    for (const p of await readByIds(target, missing, RECORD_FIELDS, 'reading products')) records.set(p.id, p as ProductRecord);
  }
  const hits = fused
    .filter((f) => records.has(f.id)) // deleted between the leg search and the read
    .map((f) => ({ product: records.get(f.id)!, score: f.score, denseRank: f.ranks.dense, keywordRank: f.ranks.keyword }));
  return { hits, dense: denseHits, keyword: keywordHits };
}

/** Milvus's own RRF over the same two leg requests, with the records of the fused hits. */
async function serverRrf(target: OpenCollection, legs: MilvusLeg[], query: HybridQuery): Promise<SearchResultData[]> {
  const { client, config } = target;
  const res = await callMilvus(config, 'running the hybrid search', () =>
    client.hybridSearch({
      collection_name: config.collection,
      data: legs,
      rerank: RRFRanker(query.rrfK),
      limit: query.top,
      output_fields: RECORD_FIELDS,
    }),
  );
  checkStatus(res.status, config, 'running the hybrid search');
  return res.results as SearchResultData[];
}
