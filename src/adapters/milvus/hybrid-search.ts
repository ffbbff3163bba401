/**
 * Searches on the collection: one leg alone, and the hybrid search. Milvus fuses with its RRFRanker when
 * it can (both legs, equal weights, 0 < k < 16384); otherwise the legs run alone and search/rrf.ts fuses
 * them here. Arguments are checked by the store (store-rules) before they get here.
 */
import { RRFRanker, type MilvusClient, type SearchResultData } from '@zilliz/milvus2-sdk-node';
import { fuseRrf } from '../../search/rrf.js';
import type { HybridQuery, HybridResult, LegHit, ProductRecord } from '../../ports/vector-store.js';
import type { ResolvedMilvusConfig } from './config.js';
import { compileMilvusFilter } from './compile-filter.js';
import { callMilvus, checkStatus } from './errors.js';
import { assembleHybridHits } from './hybrid-hits.js';
import { readByIds } from './rows-by-id.js';
import { FIELD, RECORD_FIELDS } from './schema.js';
import { denseLeg, sparseLeg, toLegHits, type MilvusLeg } from './search-legs.js';
import { querySparse } from './sparse.js';

/** Milvus's RRFRanker accepts k in (0, 16384). */
const MAX_RRF_K = 16384;

/** One leg alone: the same request the hybrid call carries for that leg. */
export async function runLeg(client: MilvusClient, config: ResolvedMilvusConfig, leg: MilvusLeg, outputFields: string[] = [FIELD.id]): Promise<SearchResultData[]> {
  const action = `searching the ${leg.anns_field} leg`;
  const res = await callMilvus(config, action, () =>
    client.search({
      collection_name: config.collection,
      data: leg.data,
      anns_field: leg.anns_field,
      params: leg.params,
      expr: leg.expr,
      limit: leg.limit,
      output_fields: outputFields,
    }),
  );
  checkStatus(res.status, config, action);
  return res.results as SearchResultData[];
}

export async function hybridSearch(client: MilvusClient, config: ResolvedMilvusConfig, query: HybridQuery): Promise<HybridResult> {
  const expr = compileMilvusFilter(query.filter);
  const dense = denseLeg(config, query.vector, expr, query.perLeg);
  const sparse = querySparse(query.keywords);
  const keyword = sparse.indices.length > 0 ? sparseLeg(sparse, expr, query.perLeg) : null;
  const wDense = query.weights?.dense ?? 1;
  const wKeyword = query.weights?.keyword ?? 1;
  const milvusCanFuse = keyword !== null && wDense === 1 && wKeyword === 1 && query.rrfK > 0 && query.rrfK < MAX_RRF_K;
  if (!milvusCanFuse) return fuseHere(client, config, query, dense, keyword, wDense, wKeyword);

  // One hybridSearch call does the fusion on the server; the two single-leg searches beside it are
  // the same leg requests and only give the per-leg ranks and scores for the result.
  const [fused, denseHits, keywordHits] = await Promise.all([
    callMilvus(config, 'running the hybrid search', () =>
      client.hybridSearch({
        collection_name: config.collection,
        data: [dense, keyword],
        rerank: RRFRanker(query.rrfK),
        limit: query.top,
        output_fields: RECORD_FIELDS,
      }),
    ),
    runLeg(client, config, dense).then(toLegHits),
    runLeg(client, config, keyword).then(toLegHits),
  ]);
  checkStatus(fused.status, config, 'running the hybrid search');
  return {
    hits: assembleHybridHits(fused.results as SearchResultData[], denseHits, keywordHits, query.rrfK),
    dense: denseHits,
    keyword: keywordHits,
  };
}

/**
 * What Milvus's RRFRanker cannot do (leg weights, k outside (0, 16384)) or need not do (no keyword
 * terms): the legs run alone and search/rrf.ts fuses them.
 */
async function fuseHere(
  client: MilvusClient,
  config: ResolvedMilvusConfig,
  query: HybridQuery,
  dense: MilvusLeg,
  keyword: MilvusLeg | null,
  wDense: number,
  wKeyword: number,
): Promise<HybridResult> {
  const [denseHits, keywordHits] = await Promise.all([
    runLeg(client, config, dense).then(toLegHits),
    keyword ? runLeg(client, config, keyword).then(toLegHits) : Promise.resolve([] as LegHit[]),
  ]);
  const fused = fuseRrf(
    [
      { name: 'dense', ids: denseHits.map((h) => h.id), weight: wDense },
      { name: 'keyword', ids: keywordHits.map((h) => h.id), weight: wKeyword },
    ],
    query.rrfK,
  ).slice(0, query.top);
  const rows = await readByIds(client, config, fused.map((f) => f.id), RECORD_FIELDS, 'reading products');
  const products = new Map(rows.map((p) => [p.id, p as ProductRecord]));
  const hits = fused
    .filter((f) => products.has(f.id)) // deleted between the leg search and the read
    .map((f) => ({ product: products.get(f.id)!, score: f.score, denseRank: f.ranks.dense, keywordRank: f.ranks.keyword }));
  return { hits, dense: denseHits, keyword: keywordHits };
}
