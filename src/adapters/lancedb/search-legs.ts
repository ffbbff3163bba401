/**
 * The two legs of a search on the LanceDB table (dense: cosine over the vector column, keyword: the
 * full-text index on `keywords`), each ranked from 1, and their fusion by search/rrf.ts. Arguments are
 * checked by the store (store-rules) before they get here.
 */
import type * as lancedb from '@lancedb/lancedb';
import type * as ArrowTypes from 'apache-arrow';
import { fuseRrf } from '../../search/rrf.js';
import type { HybridQuery, HybridResult, LegHit, LegQuery, ProductRecord } from '../../ports/vector-store.js';
import { bm25Scores, type KeywordDoc } from './bm25-fallback.js';
import { compileFilter } from './compile-filter.js';
import { HNSW_SEARCH, keywordIndexLag } from './indexes.js';
import { RECORD_COLUMNS, recordsFromArrow } from './schema.js';

/** LanceDB-only search option: `exact` skips the ANN index (brute force over the filtered rows). */
export interface LanceLegQuery extends LegQuery {
  exact?: boolean;
}

export interface Leg {
  hits: LegHit[];
  records: Map<string, ProductRecord>;
}

function emptyLeg(): Leg {
  return { hits: [], records: new Map() };
}

export async function denseLeg(table: lancedb.Table, vector: Float32Array, query: LanceLegQuery, columns: string[]): Promise<Leg> {
  const where = compileFilter(query.filter);
  if (query.limit === 0) return emptyLeg();
  let q = table
    .query()
    .nearestTo(vector)
    .distanceType('cosine')
    .ef(Math.max(HNSW_SEARCH.minEf, HNSW_SEARCH.efPerResult * query.limit))
    .refineFactor(HNSW_SEARCH.refineFactor)
    // Naming the score column keeps LanceDB from warning about its auto-projection on every query.
    .select([...columns, '_distance'])
    .limit(query.limit);
  if (where) q = q.where(where);
  if (query.exact) q = q.bypassVectorIndex();
  const result = await q.toArrow();
  // Cosine distance is 1 - cosine similarity.
  return rankLeg(result, columnValues(result, '_distance').map((d) => 1 - Number(d)), query.limit);
}

export async function keywordLeg(table: lancedb.Table, keywords: string, query: LegQuery, columns: string[]): Promise<Leg> {
  const where = compileFilter(query.filter);
  // Terms are already tokenized; they are passed as plain terms (a match query), never parsed as syntax.
  const terms = keywords.split(/\s+/).filter((t) => t.length > 0);
  if (terms.length === 0 || query.limit === 0) return emptyLeg();
  const text = terms.join(' ');
  const search = (limit: number, cols: string[], filtered: boolean) => {
    const q = table.query().fullTextSearch(text, { columns: 'keywords' }).select([...cols, '_score']).limit(limit);
    return (filtered && where ? q.where(where) : q).toArrow();
  };
  if ((await keywordIndexLag(table)) === 0) {
    const result = await search(query.limit, columns, true);
    return rankLeg(result, columnValues(result, '_score'), query.limit);
  }
  // Some rows are not in the keyword index yet: fetch every match and rank them here (bm25-fallback.ts).
  const total = await table.countRows();
  if (total === 0) return emptyLeg();
  const matches = await search(total, ['id', 'keywords'], false);
  const kept = await search(total, [...new Set([...columns, 'keywords'])], true);
  const scores = bm25Scores(terms, keywordDocs(matches), total, keywordDocs(kept));
  const ids = columnValues(kept, 'id');
  return rankLeg(kept, ids.map((id) => scores.get(String(id)) ?? 0), query.limit);
}

/** Both legs under the same filter, with full records, fused by RRF in hitline's code. */
export async function hybridLegs(table: lancedb.Table, query: HybridQuery): Promise<HybridResult> {
  const legQuery = { filter: query.filter, limit: query.perLeg };
  const columns = [...RECORD_COLUMNS];
  const [dense, keyword] = await Promise.all([
    denseLeg(table, query.vector, legQuery, columns),
    keywordLeg(table, query.keywords, legQuery, columns),
  ]);
  const fused = fuseRrf(
    [
      { name: 'dense', ids: dense.hits.map((h) => h.id), weight: query.weights?.dense },
      { name: 'keyword', ids: keyword.hits.map((h) => h.id), weight: query.weights?.keyword },
    ],
    query.rrfK,
  ).slice(0, query.top);
  const hits = fused.map((f) => ({
    product: (dense.records.get(f.id) ?? keyword.records.get(f.id)) as ProductRecord,
    score: f.score,
    denseRank: f.ranks.dense,
    keywordRank: f.ranks.keyword,
  }));
  return { hits, dense: dense.hits, keyword: keyword.hits };
}

/** Orders a leg's rows by score (ties by id, so ranks are deterministic) and numbers them from 1. */
function rankLeg(result: ArrowTypes.Table, scores: readonly unknown[], limit: number): Leg {
  const withRecords = result.schema.fields.some((f) => f.name === 'description');
  const records = withRecords ? recordsFromArrow(result) : null;
  const ids = columnValues(result, 'id');
  const rows = ids.map((id, i) => ({ id: String(id), score: Number(scores[i]), i }));
  rows.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const kept = rows.slice(0, limit);
  return {
    hits: kept.map((r, k) => ({ id: r.id, rank: k + 1, score: r.score })),
    records: new Map(records ? kept.map((r) => [r.id, records[r.i]]) : []),
  };
}

function columnValues(result: ArrowTypes.Table, name: string): unknown[] {
  const column = result.getChild(name);
  return Array.from({ length: result.numRows }, (_, i) => column?.get(i));
}

function keywordDocs(result: ArrowTypes.Table): KeywordDoc[] {
  const ids = columnValues(result, 'id');
  const keywords = columnValues(result, 'keywords');
  return ids.map((id, i) => ({ id: String(id), keywords: String(keywords[i] ?? '') }));
}
