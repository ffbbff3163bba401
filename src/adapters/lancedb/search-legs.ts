/**
 * The two legs of a search on the LanceDB table (dense: cosine over the vector column, keyword: the
 * full-text index on `keywords`), each ranked from 1, and their fusion by search/rrf.ts. The legs of a
 * hybrid search read ids only and the winners' records are read once after fusion: reading every column
 * of 2 × perLeg rows to keep `top` of them was most of a hybrid query's time (bench/results/store-speed.md).
 * Arguments are checked by the store (store-rules) before they get here.
 */
import type * as lancedb from '@lancedb/lancedb';
import type * as ArrowTypes from 'apache-arrow';
import { fuseRrf } from '../../search/rrf.js';
import type { HybridQuery, HybridResult, LegHit, LegQuery, ProductRecord } from '../../ports/vector-store.js';
import { bm25Scores, type KeywordDoc } from './bm25-fallback.js';
import { compileFilter } from './compile-filter.js';
import { ANN_SEARCH, refineFactorFor } from './ann-index.js';
import { keywordIndexLag } from './indexes.js';
import { readByIds } from './rows-by-id.js';
import { RECORD_COLUMNS, recordsFromArrow } from './schema.js';

/** LanceDB-only search option: `exact` skips the ANN index (brute force over the filtered rows). */
export interface LanceLegQuery extends LegQuery {
  exact?: boolean;
}

/** A leg's hit with the row address it was read from (this table version's), for one read of the winners. */
export interface RowHit extends LegHit {
  rowId?: bigint;
}

/** The hits as the port returns them (without row addresses). */
export function legHits(hits: readonly RowHit[]): LegHit[] {
  return hits.map(({ id, rank, score }) => ({ id, rank, score }));
}

/**
 * The dense leg: ids by cosine similarity, ranked from 1. `probes`: IVF partitions searched (ann-index.ts).
 * `exactScores`: the index's hits re-scored with the full vectors (refineFactorFor); without it
 * they are ranked by the index's quantized distances, which a fusion of ranks does not need refined (one
 * millisecond less per hybrid query at 10k rows, recall@10 0.99 against exact search, bench/results/store-hybrid.md).
 */
export async function denseLeg(table: lancedb.Table, vector: Float32Array, query: LanceLegQuery, probes: number, exactScores = true): Promise<RowHit[]> {
  const where = compileFilter(query.filter);
  if (query.limit === 0) return [];
  let q = table
    .query()
    .nearestTo(vector)
    .distanceType('cosine')
    // A selective filter may leave fewer than `limit` rows in those partitions: then more are searched. The
    // maximum is lifted first: LanceDB refuses a minimum above its default maximum (20).
    .maximumNprobes(0)
    .minimumNprobes(probes)
    .ef(Math.max(ANN_SEARCH.minEf, ANN_SEARCH.efPerResult * query.limit))
    // Naming the score column keeps LanceDB from warning about its auto-projection on every query.
    .select(['id', '_distance'])
    .withRowId()
    .limit(query.limit);
  if (where) q = q.where(where);
  if (exactScores) q = q.refineFactor(refineFactorFor(query.limit));
  if (query.exact) q = q.bypassVectorIndex();
  const result = await q.toArrow();
  // Cosine distance is 1 - cosine similarity.
  return rankLeg(result, columnValues(result, '_distance').map((d) => 1 - Number(d)), query.limit);
}

/** The keyword leg: ids by BM25 in the full-text index, ranked from 1. */
export async function keywordLeg(table: lancedb.Table, keywords: string, query: LegQuery): Promise<RowHit[]> {
  const where = compileFilter(query.filter);
  // Terms are already tokenized; they are passed as plain terms (a match query), never parsed as syntax.
  const terms = keywords.split(/\s+/).filter((t) => t.length > 0);
  if (terms.length === 0 || query.limit === 0) return [];
  const text = terms.join(' ');
  const search = (limit: number, cols: string[], filtered: boolean) => {
    const q = table.query().fullTextSearch(text, { columns: 'keywords' }).select([...cols, '_score']).withRowId().limit(limit);
    return (filtered && where ? q.where(where) : q).toArrow();
  };
  // The index's lag is read alongside the search (one round trip fewer); the search is used when it is 0.
  const [lag, indexed] = await Promise.all([keywordIndexLag(table), search(query.limit, ['id'], true)]);
  if (lag === 0) return rankLeg(indexed, columnValues(indexed, '_score'), query.limit);
  // Some rows are not in the keyword index yet: fetch every match and rank them here (bm25-fallback.ts).
  const total = await table.countRows();
  if (total === 0) return [];
  const matches = await search(total, ['id', 'keywords'], false);
  const kept = await search(total, ['id', 'keywords'], true);
  const scores = bm25Scores(terms, keywordDocs(matches), total, keywordDocs(kept));
  const ids = columnValues(kept, 'id');
  return rankLeg(kept, ids.map((id) => scores.get(String(id)) ?? 0), query.limit);
}

/** Both legs under the same filter (ids only), fused by RRF in hitline's code, then one read of the winners. */
export async function hybridLegs(table: lancedb.Table, query: HybridQuery, probes: number): Promise<HybridResult> {
  const legQuery = { filter: query.filter, limit: query.perLeg };
  const [dense, keyword] = await Promise.all([denseLeg(table, query.vector, legQuery, probes, false), keywordLeg(table, query.keywords, legQuery)]);
  const fused = fuseRrf(
    [
      { name: 'dense', ids: dense.map((h) => h.id), weight: query.weights?.dense },
      { name: 'keyword', ids: keyword.map((h) => h.id), weight: query.weights?.keyword },
    ],
    query.rrfK,
  ).slice(0, query.top);
  const rowIds = new Map([...dense, ...keyword].map((h) => [h.id, h.rowId]));
  const records = await readWinners(table, fused.map((f) => ({ id: f.id, rowId: rowIds.get(f.id) })));
  const hits = fused
    .filter((f) => records.has(f.id)) // deleted between the leg search and the read
    .map((f) => ({ product: records.get(f.id)!, score: f.score, denseRank: f.ranks.dense, keywordRank: f.ranks.keyword }));
  return { hits, dense: legHits(dense), keyword: legHits(keyword) };
}

/**
 * The records of the winners, by the row addresses the legs read them at (a take: about a millisecond,
 * where `id IN (...)` costs two). A compaction by another process between the legs and the take moves
 * rows: a winner the take does not return under its id is then read by id.
 */
async function readWinners(table: lancedb.Table, winners: ReadonlyArray<{ id: string; rowId?: bigint }>): Promise<Map<string, ProductRecord>> {
  const records = new Map<string, ProductRecord>();
  const addressed = winners.filter((w) => w.rowId !== undefined);
  if (addressed.length > 0) {
    const wanted = new Set(addressed.map((w) => w.id));
    try {
      const taken = await table.takeRowIds(addressed.map((w) => w.rowId!)).select([...RECORD_COLUMNS]).toArrow();
      for (const record of recordsFromArrow(taken)) if (wanted.has(record.id)) records.set(record.id, record);
    } catch {
      // A row address past the end of a compacted table: every winner is read by id below.
    }
  }
  const missing = winners.filter((w) => !records.has(w.id)).map((w) => w.id);
  if (missing.length > 0) for (const record of await readByIds(table, missing, [...RECORD_COLUMNS])) records.set(record.id, record);
  return records;
}

/** Orders a leg's rows by score (ties by id, so ranks are deterministic) and numbers them from 1. */
function rankLeg(result: ArrowTypes.Table, scores: readonly unknown[], limit: number): RowHit[] {
  const rowIds = columnValues(result, '_rowid');
  const rows = columnValues(result, 'id').map((id, i) => ({ id: String(id), score: Number(scores[i]), rowId: rowIds[i] }));
  rows.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows.slice(0, limit).map((r, k) => ({ id: r.id, rank: k + 1, score: r.score, ...(typeof r.rowId === 'bigint' ? { rowId: r.rowId } : {}) }));
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
