/**
 * The keyword leg in Milvus, two ways (layout.ts `KeywordLeg`):
 *
 * - `bm25`: Milvus's BM25 function (Milvus 2.5+, Milvus Lite 3.x). The server analyzes the `keywords`
 *   text (hitline's tokens, space-joined) and keeps the corpus statistics, so scores carry IDF: a rare
 *   word outweighs a common one. The analyzer is jieba in exact mode where the server has it: the text is
 *   already segmented by hitline's own jieba (search/tokenize.ts), and exact mode keeps those words
 *   instead of cutting them again, so Milvus scores the same terms LanceDB's full-text index does. A
 *   server without jieba (Milvus Lite without the `jieba` package) gets the standard tokenizer, which
 *   splits the same text at the same spaces.
 * - `sparse`: hitline's client-side weights (sparse.ts), for servers without the BM25 function. No IDF.
 *
 * Which one a new collection gets is decided by what the server accepts when it is created
 * (collection.ts tries these candidates in order); an existing collection keeps its own.
 */
import type { KeywordLegChoice } from './config.js';
import type { Analyzer, KeywordLeg } from './layout.js';
import { querySparse, sparseDict } from './sparse.js';

export const JIEBA_EXACT: Analyzer = { name: 'jieba', params: { tokenizer: { type: 'jieba', mode: 'exact' } } };
export const STANDARD: Analyzer = { name: 'standard', params: { tokenizer: 'standard' } };

/** Keyword legs to try for a new collection, best first. */
export function keywordLegCandidates(choice: KeywordLegChoice): KeywordLeg[] {
  const bm25: KeywordLeg[] = [
    { kind: 'bm25', analyzer: JIEBA_EXACT },
    { kind: 'bm25', analyzer: STANDARD },
  ];
  if (choice === 'bm25') return bm25;
  if (choice === 'sparse') return [{ kind: 'sparse' }];
  return [...bm25, { kind: 'sparse' }];
}

export interface KeywordQuery {
  /** Text for the BM25 function, or the `{ index: weight }` sparse vector. */
  data: string | Record<number, number>;
  metric: 'BM25' | 'IP';
}

/** The search data of a keyword query, or null when it has no terms (the leg then returns nothing). */
export function keywordQuery(leg: KeywordLeg, keywords: string): KeywordQuery | null {
  if (leg.kind === 'bm25') {
    const text = keywords.split(/\s+/).filter((t) => t.length > 0).join(' ');
    return text ? { data: text, metric: 'BM25' } : null;
  }
  const sparse = querySparse(keywords);
  return sparse.indices.length > 0 ? { data: sparseDict(sparse), metric: 'IP' } : null;
}

/**
 * A keyword hit's score as hitline reports it: positive, larger is better. BM25 is positive by
 * definition; Milvus Lite reports it negated (as a distance, smaller is better, in the same best-first
 * order), so a negative score is turned back. IP scores pass as they are.
 */
export function keywordScore(leg: KeywordLeg, raw: number): number {
  return leg.kind === 'bm25' ? Math.abs(raw) : raw;
}
