/**
 * In-memory BM25 (Okapi, k1 = 1.2, b = 0.75, Lucene's idf) over pre-tokenized documents. Used by the benchmark
 * as an exact reference keyword leg, and as the fallback when the real store is not available.
 */
export class Bm25Index {
  private readonly docs: Map<string, number>[] = [];
  private readonly lengths: number[] = [];
  private readonly df = new Map<string, number>();
  private avgLength = 0;

  constructor(
    tokenizedDocs: readonly (readonly string[])[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    for (const tokens of tokenizedDocs) {
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      this.docs.push(tf);
      this.lengths.push(tokens.length);
    }
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
  }

  /** BM25 score of every document for the query terms (each distinct term counted once). */
  scores(queryTokens: readonly string[]): Float64Array {
    const n = this.docs.length;
    const out = new Float64Array(n);
    for (const term of new Set(queryTokens)) {
      const df = this.df.get(term);
      if (!df) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let d = 0; d < n; d++) {
        const f = this.docs[d].get(term);
        if (!f) continue;
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[d]) / this.avgLength);
        out[d] += (idf * f * (this.k1 + 1)) / (f + norm);
      }
    }
    return out;
  }
}
