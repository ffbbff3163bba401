/**
 * Searches on the collection: one leg alone, and the hybrid search.
 *
 * A hybrid search runs the dense and the keyword leg (each with the filter, its own limit and metric) and
 * fuses them with search/rrf.ts `fuseRrf`, the reference both stores follow (rank from 1, leg weights
 * included), so LanceDB and Milvus give the same fused order for the same legs; the fused hits' records
 * are then read by primary key. Milvus's own `hybridSearch` with its RRFRanker is not used: hitline needs
 * each leg's ranks anyway (they are part of the answer, and fix ties the way fuseRrf does), and Milvus
 * would run both legs a second time to fuse them (measured in BENCHMARKS.md, "Milvus Lite"); its
 * WeightedRanker weights scores, not ranks, so it is not weighted RRF either. Arguments are checked by
 * the store (store-rules) before they get here.
 */
import type { SearchResultData } from '@zilliz/milvus2-sdk-node';
import { fuseRrf } from '../../search/rrf.js';
import type { HybridQuery, HybridResult, LegHit, ProductRecord } from '../../ports/vector-store.js';
import { callMilvus, checkStatus } from './errors.js';
import type { OpenCollection } from './layout.js';
import { readByIds } from './rows-by-id.js';
import { FIELD, RECORD_FIELDS } from './schema.js';
import { denseLeg, keywordLeg, toLegHits, type MilvusLeg } from './search-legs.js';

/** One leg alone. */
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
  const keyword = keywordLeg(target, query.keywords, expr, query.perLeg);
  const [denseHits, keywordHits] = await Promise.all([
    runLeg(target, denseLeg(target, query.vector, expr, query.perLeg)),
    keyword ? runLeg(target, keyword) : Promise.resolve([] as LegHit[]),
  ]);
  const fused = fuseRrf(
    [
      { name: 'dense', ids: denseHits.map((h) => h.id), weight: query.weights?.dense },
      { name: 'keyword', ids: keywordHits.map((h) => h.id), weight: query.weights?.keyword },
    ],
    query.rrfK,
  ).slice(0, query.top);
  const rows = await readByIds(target, fused.map((f) => f.id), RECORD_FIELDS, 'reading products');
  const records = new Map(rows.map((p) => [p.id, p as ProductRecord]));
  const hits = fused
    .filter((f) => records.has(f.id)) // deleted between the leg search and the read
    .map((f) => ({ product: records.get(f.id)!, score: f.score, denseRank: f.ranks.dense, keywordRank: f.ranks.keyword }));
  return { hits, dense: denseHits, keyword: keywordHits };
}
