/**
 * The client-side keyword leg (keyword-leg.ts): a SparseFloatVector per product filled by hitline, for
 * servers without Milvus's BM25 function (Milvus 2.4) or when MILVUS_KEYWORD_LEG=sparse.
 *
 * Terms are the tokens of search/tokenize.ts (the `keywords` text), so Milvus and LanceDB index the
 * same terms: jieba segmentation for Chinese, plural folding and stop words for English. Each term goes
 * to a dimension by a stable hash (FNV-1a, 32-bit, top bit cleared: a 2^31 space, below Milvus's
 * 2^32-1 index limit). Two different terms can share a dimension; at catalog sizes (tens of thousands of
 * distinct terms) that is a handful of collisions, which only blur those terms together.
 *
 * Document weights are BM25's term-frequency part, tf·(k1+1) / (tf + k1·(1 − b + b·len/L)), with a
 * fixed reference length L instead of the live average (the weight must not change as rows are added).
 * Query weights are 1 per distinct term, so the inner product (the SPARSE_INVERTED_INDEX "IP" metric)
 * sums the saturated frequencies of the query's terms: BM25 without IDF (a common word weighs as much
 * as a rare one). The weights move with the row in a migration.
 */

export const SPARSE_DIMENSIONS = 2 ** 31;
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/** Reference document length in tokens (a product's category, colour, style, season and description). */
export const REFERENCE_LENGTH = 32;

/** Sorted ascending by index, no duplicates (Milvus rejects unsorted rows). */
export interface SparseVector {
  indices: number[];
  values: number[];
}

const encoder = new TextEncoder();

/** FNV-1a over the term's UTF-8 bytes, reduced to 31 bits. Stable across processes and versions. */
export function termIndex(term: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(term)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7fffffff;
}

/** The terms of a keywords text (already tokenized and space-joined). */
export function keywordTerms(keywords: string): string[] {
  return keywords.split(/\s+/).filter((t) => t.length > 0);
}

/** A product's sparse vector from its keywords text. An empty text gives an empty vector. */
export function documentSparse(keywords: string): SparseVector {
  const terms = keywordTerms(keywords);
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * terms.length) / REFERENCE_LENGTH);
  const weights = new Map<number, number>();
  for (const [term, f] of tf) {
    const idx = termIndex(term);
    weights.set(idx, (weights.get(idx) ?? 0) + (f * (BM25_K1 + 1)) / (f + norm));
  }
  return toSorted(weights);
}

/** A keyword query's sparse vector: weight 1 for each distinct term. */
export function querySparse(keywords: string): SparseVector {
  const weights = new Map<number, number>();
  for (const term of new Set(keywordTerms(keywords))) {
    const idx = termIndex(term);
    weights.set(idx, (weights.get(idx) ?? 0) + 1);
  }
  return toSorted(weights);
}

/**
 * The `{ index: weight }` form the SDK sends most commonly. Integer-like keys iterate in ascending
 * numeric order in JavaScript, so the row stays sorted as Milvus requires.
 */
export function sparseDict(v: SparseVector): Record<number, number> {
  const out: Record<number, number> = {};
  for (let k = 0; k < v.indices.length; k++) out[v.indices[k]] = v.values[k];
  return out;
}

/** Inner product of two sparse vectors (what Milvus's IP metric computes). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    if (a.indices[i] === b.indices[j]) sum += a.values[i++] * b.values[j++];
    else if (a.indices[i] < b.indices[j]) i++;
    else j++;
  }
  return sum;
}

function toSorted(weights: Map<number, number>): SparseVector {
  const indices = [...weights.keys()].sort((x, y) => x - y);
  return { indices, values: indices.map((i) => weights.get(i)!) };
}
