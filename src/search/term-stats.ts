/**
 * Document frequencies of keyword terms: how many rows hold each term in their `keywords` text (the
 * space-joined output of tokenize.ts). Both stores count them the same way from their keywords column,
 * so the keyword weight (keyword-weight.ts) does not depend on which store answers.
 */
export interface TermStats {
  /** Rows counted. */
  rows: number;
  /** Rows holding each term (terms held by no row are absent or 0). */
  documentFrequency: ReadonlyMap<string, number>;
}

/** Counts, for every term, the rows whose keywords text holds it (a row counts once per term). */
export class TermCounter {
  private rows = 0;
  private readonly df = new Map<string, number>();

  add(keywords: string): void {
    this.rows += 1;
    for (const term of new Set(keywords.split(' '))) {
      if (term) this.df.set(term, (this.df.get(term) ?? 0) + 1);
    }
  }

  /** The counts so far, narrowed to `terms` when given (what a query needs). */
  stats(terms?: readonly string[]): TermStats {
    if (!terms) return { rows: this.rows, documentFrequency: this.df };
    return { rows: this.rows, documentFrequency: new Map(terms.map((t) => [t, this.df.get(t) ?? 0])) };
  }
}

/** BM25's (Lucene's) inverse document frequency of a term held by `df` of `rows` rows. */
export function idf(df: number, rows: number): number {
  return Math.log(1 + (rows - df + 0.5) / (df + 0.5));
}
