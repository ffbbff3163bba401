/**
 * Every test of the VectorStore contract, by title: what an adapter's runner names in a declared skip
 * (contract-kit.ts). The suite fails at collection when a listed test is not defined, or a defined one
 * not listed.
 */
export const VECTOR_STORE_TESTS = [
  // the embedder record, recreate, scan, persistence (lifecycle.ts)
  'is null on a new store, is recorded by open, and survives close',
  'refuses to open for another embedder id or dimension, naming both',
  'recreate empties the store and records the new embedder; vectors of the old one are then refused',
  'recreate with the same embedder empties the store and leaves it usable',
  'scan yields every row exactly once, with its vector, in batches of the asked size',
  'keeps data, search and the embedder record across close and reopen',
  'a second store object on the same storage sees the data, and the first sees its writes',
  // writes (writes.ts)
  'upserts rows that get() returns field for field, with vectors when asked',
  'returns image hashes by id for the unchanged-image cache',
  're-upserting an id replaces the row: count unchanged, fields, vector and keywords updated',
  'keeps the last of duplicate ids within one upsert',
  'two concurrent upserts of the same new ids end with one row per id',
  'reports upsert progress up to the total',
  'deletes by id, returning how many rows went',
  'rejects a vector of the wrong dimension, naming the product, and writes nothing of that batch',
  'rejects NaN and infinite vector values, naming the product',
  // dense, keyword and hybrid search (searches.ts)
  'ranks the nearest first with cosine similarity scores, with and without a filter',
  'returns only rows the filter keeps, even when fewer than the limit',
  'finds rows sharing a term with the query, best first, ranks from 1',
  'ranks a row holding both query terms above rows holding one',
  'matches Chinese words through the shared tokenizer, including mixed "UPF50 防晒衣"',
  'applies the filter and the limit',
  'returns nothing for an empty or blank query',
  'equals fuseRrf over the two legs it returns, with per-leg ranks and full records',
  'honours per-leg limits and top, and fuses the dense leg alone when keywords are empty',
  'applies the filter to both legs (a keyword match outside the filter is not fused in)',
  'counts the rows holding each keyword term over the whole store, and counts again after a write',
  // filters (filters.ts)
  'matches hostile string values literally and never widens the result',
  'gets, searches and deletes ids that contain quotes and backslashes',
  'agrees with matchesFilter on in, eq/neq and numeric comparisons, before and after optimize',
  'rejects malformed filters instead of guessing',
  // rows and arguments a store refuses or accepts (refusals.ts)
  'refuses bad rows naming the product and the field, and writes nothing of that batch',
  'accepts the edge values: texts at their byte limits, zero sales, a zero or missing price',
  'refuses negative, fractional, non-finite and too large limits on each leg, and answers a zero limit with nothing',
  'refuses bad hybrid queries naming the field, and answers perLeg 0 or top 0 with nothing',
  'fuses with RRF k = 0 and with zero leg weights (both allowed)',
  'refuses a query vector of the wrong dimension on every search as an embedder mismatch',
  'refuses an all-zero or non-finite query vector on the dense leg',
  'refuses ids that are not text, scan batch sizes below 1, and an embedder with no dimension',
] as const;

export type VectorStoreTest = (typeof VECTOR_STORE_TESTS)[number];
