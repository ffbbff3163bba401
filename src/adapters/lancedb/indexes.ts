/**
 * The indexes of the products table and when they are built.
 *
 * - Scalar indexes (created with the empty table, kept current by `optimize`): btree on id (get, delete
 *   and the mergeInsert join), bitmap on the low-cardinality strings the filters use, btree on numbers.
 *   Rows written after an index build are still filtered correctly, by a scan of the unindexed part.
 * - Full text on `keywords` with the whitespace tokenizer: our own tokenizer already segmented Chinese,
 *   dropped stop words and folded plurals, so LanceDB only splits on spaces and lower-cases. No ASCII
 *   folding, so LanceDB and Milvus see the same terms. Rebuilt after every write (see refreshKeywordIndex).
 * - ANN on `vector` (IVF_HNSW_SQ, cosine) from ANN_MIN_ROWS rows: built and kept up by ann-index.ts.
 */
import { Index, type Table } from '@lancedb/lancedb';

export const KEYWORD_INDEX = 'keywords_idx';

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
