/**
 * Finding catalog products by text. With a text-capable embedder (cloud mode) it is hybrid: the text's
 * embedding against the image vectors plus the keyword leg, fused by RRF; offline it is the keyword leg
 * alone, and says so. Shared by `hitline search` and the API's catalog search.
 */
import type { Filter } from '../core/filter.js';
import type { Embedder } from '../ports/embedder.js';
import type { LegHit, ProductRecord, VectorStore } from '../ports/vector-store.js';
import { fuseRrf } from '../search/rrf.js';
import { keywordText } from '../search/tokenize.js';

export interface TextSearchOptions {
  top: number;
  perLeg: number;
  rrfK: number;
  filter: Filter;
}

export interface TextSearchResult {
  keywords: string;
  mode: string;
  hybrid: boolean;
  results: Array<{ rank: number; productId: string; score: number; denseRank: number | null; keywordRank: number | null; product?: ProductRecord }>;
}

export async function searchCatalogText(store: VectorStore, embedder: Embedder, text: string, o: TextSearchOptions): Promise<TextSearchResult> {
  const keywords = keywordText(text);
  const keywordHits = await store.keywordSearch(keywords, { filter: o.filter, limit: o.perLeg });
  let denseHits: LegHit[] = [];
  const hybrid = Boolean(embedder.supportsText && embedder.embedTexts);
  if (hybrid) {
    const [vector] = await embedder.embedTexts!([text]);
    denseHits = await store.denseSearch(vector, { filter: o.filter, limit: o.perLeg });
  }
  const fused = fuseRrf([{ name: 'dense', ids: denseHits.map((h) => h.id) }, { name: 'keyword', ids: keywordHits.map((h) => h.id) }], o.rrfK).slice(0, o.top);
  const records = new Map((await store.get(fused.map((f) => f.id))).map((r) => [r.id, r as ProductRecord]));
  return {
    keywords,
    hybrid,
    mode: hybrid ? 'hybrid (text embedding + keywords)' : 'keywords only (the offline embedder has no text side; set OPENROUTER_API_KEY for hybrid text search)',
    results: fused.map((f, i) => ({ rank: i + 1, productId: f.id, score: f.score, denseRank: f.ranks.dense, keywordRank: f.ranks.keyword, product: records.get(f.id) })),
  };
}
