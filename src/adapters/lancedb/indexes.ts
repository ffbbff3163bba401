/**
 * The indexes of the products table and when they are built.
 *
 * - Scalar indexes (created with the empty table, kept current by `optimize`): btree on id (get, delete
 *   and the mergeInsert join), bitmap on the low-cardinality strings the filters use, btree on numbers.
 *   Rows written after an index build are still filtered correctly, by a scan of the unindexed part.
 * - Full text on `keywords` with the whitespace tokenizer: our own tokenizer already segmented Chinese,
 *   dropped stop words and folded plurals, so LanceDB only splits on spaces and lower-cases. No ASCII
 *   folding, so LanceDB and Milvus see the same terms. Rebuilt after every write (see refreshKeywordIndex).
 * - ANN on `vector` (HNSW_SQ, cosine) only from ANN_MIN_ROWS rows, built by `optimize`. Measured on 2
 *   shared cores with 2048-d rows (bench/results/store-speed.md): at 5,000 rows an exact search costs
 *   ~14 ms with a 7% filter but ~130 ms unfiltered, while HNSW answers in ~7-10 ms with recall@10 1.0
 *   after a one-time ~13 s build. Below 5,000 rows the exact scan is exact and cheap (a few ms filtered at
 *   2,000 rows), so an index would only add build time to every small ingest.
 */
import { Index, type Table } from '@lancedb/lancedb';
import { VECTOR_COLUMN } from './schema.js';

export const ANN_MIN_ROWS = 5_000;
export const KEYWORD_INDEX = 'keywords_idx';
export const VECTOR_INDEX = `${VECTOR_COLUMN}_idx`;

/** HNSW_SQ build settings: one partition (a single graph; fine in memory up to a few 100k rows). */
export const HNSW_BUILD = { m: 16, efConstruction: 150, numPartitions: 1 } as const;
/**
 * Search settings for the ANN index: `ef` candidates in the graph, then the best `limit × refineFactor`
 * re-scored with exact distances (so scores are exact cosine similarities). At 100k rows this reached
 * recall@10 0.99 (reference sweep, /work/shared/reference/vector-stores.md); bench/store-speed.ts re-measures.
 */
export const HNSW_SEARCH = { minEf: 200, efPerResult: 4, refineFactor: 5 } as const;

/** Old table versions are deleted by `optimize` once older than this; a reader holds one only for a query. */
export const VERSION_RETENTION_MS = 5 * 60_000;

const SCALAR_INDEXES: ReadonlyArray<{ column: string; index: () => Index }> = [
  { column: 'id', index: () => Index.btree() },
  { column: 'category', index: () => Index.bitmap() },
  { column: 'color', index: () => Index.bitmap() },
  { column: 'style', index: () => Index.bitmap() },
  { column: 'season', index: () => Index.bitmap() },
  { column: 'sales_count', index: () => Index.btree() },
  { column: 'price', index: () => Index.btree() },
];

function keywordIndex(): Index {
  return Index.fts({
    baseTokenizer: 'whitespace',
    lowercase: true,
    stem: false,
    removeStopWords: false,
    asciiFolding: false,
    withPosition: false,
  });
}

/** Creates whichever scalar and keyword indexes are missing (all of them on a new, empty table). */
export async function ensureBaseIndexes(table: Table): Promise<void> {
  const existing = new Set((await table.listIndices()).flatMap((i) => i.columns));
  for (const { column, index } of SCALAR_INDEXES) {
    if (!existing.has(column)) await table.createIndex(column, { config: index() });
  }
  if (!existing.has('keywords')) await table.createIndex('keywords', { config: keywordIndex() });
}

/**
 * Re-indexes `keywords` when rows are missing from the index. LanceDB 0.33 searches unindexed rows
 * with a flat full-text scan that returns the first matches it meets rather than the best ones, so a
 * keyword leg is only ranked right when every row is indexed. The index holds short token lists, so a
 * full rebuild is cheap (see bench/results/store-speed.md).
 */
export async function refreshKeywordIndex(table: Table): Promise<void> {
  const stats = await table.indexStats(KEYWORD_INDEX);
  if (stats && stats.numUnindexedRows === 0) return;
  await table.createIndex('keywords', { config: keywordIndex(), replace: true });
}

/** Rows the keyword index does not cover (0 right after a write by hitline). */
export async function keywordIndexLag(table: Table): Promise<number> {
  const stats = await table.indexStats(KEYWORD_INDEX);
  return stats ? stats.numUnindexedRows : Number.POSITIVE_INFINITY;
}

export async function hasVectorIndex(table: Table): Promise<boolean> {
  return (await table.listIndices()).some((i) => i.columns.includes(VECTOR_COLUMN));
}

/** Builds the ANN index once the table has `minRows` rows; returns whether it was built now. */
export async function ensureVectorIndex(table: Table, rowCount: number, minRows: number = ANN_MIN_ROWS): Promise<boolean> {
  if (rowCount < minRows || (await hasVectorIndex(table))) return false;
  await table.createIndex(VECTOR_COLUMN, { config: Index.hnswSq({ distanceType: 'cosine', ...HNSW_BUILD }) });
  return true;
}
