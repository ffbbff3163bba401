/**
 * match: for each new product, a dense leg (its image embedding) and a keyword leg (its category, style,
 * season and prompt hint) under the same filter, fused by RRF in hitline's own code (store.hybridSearch).
 */
import type { LoadedImage, NewProduct } from '../core/product.js';
import type { Embedder } from '../ports/embedder.js';
import { defaultMatchFilter, type Filter } from '../core/filter.js';
import { keywordText } from '../search/tokenize.js';
import type { ProductRecord, VectorStore } from '../ports/vector-store.js';
import { HitlineError } from '../core/errors.js';
import type { EmbeddingCache } from './embedding-cache.js';

export interface MatchSettings {
  top: number;
  perLeg: number;
  rrfK: number;
  minSales: number;
  weights?: { dense?: number; keyword?: number };
}

export const DEFAULT_MATCH_SETTINGS: MatchSettings = { top: 3, perLeg: 20, rrfK: 60, minSales: 1500 };

export interface MatchedHit {
  /** Fused rank, from 1. */
  rank: number;
  productId: string;
  score: number;
  denseRank: number | null;
  keywordRank: number | null;
  product: ProductRecord;
}

export interface ProductMatch {
  newId: string;
  hits: MatchedHit[];
  /** The keyword query that was searched (tokenized). */
  keywords: string;
  filter: Filter;
  /** Set when fewer than `top` hits passed the filter. */
  shortfall?: string;
}

export interface MatchContext {
  store: VectorStore;
  embedder: Embedder;
  cache: EmbeddingCache;
  settings: MatchSettings;
}

/** Opens the store for this embedder, refusing an empty store (nothing to match against). */
export async function openStoreForQueries(store: VectorStore, embedder: Embedder): Promise<void> {
  const recorded = await store.recordedEmbedder();
  if (!recorded) {
    throw new HitlineError('The catalog store is empty: there are no hit products to match against.', {
      hint: 'Run `hitline ingest --catalog products.csv --images images/` first (same --workspace).',
    });
  }
  await store.open({ embedderId: embedder.id, dimension: embedder.dimension });
}

export async function embedNewProductImage(ctx: MatchContext, image: LoadedImage): Promise<Float32Array> {
  const cached = await ctx.cache.get(image.contentHash);
  if (cached) return cached;
  const [vector] = await ctx.embedder.embedImages([image.bytes]);
  await ctx.cache.put(image.contentHash, vector);
  return vector;
}

export async function matchProduct(ctx: MatchContext, product: NewProduct, image: LoadedImage): Promise<ProductMatch> {
  const { settings } = ctx;
  const vector = await embedNewProductImage(ctx, image);
  const keywords = keywordText(product.category, product.style, product.season, product.promptHint);
  const filter = defaultMatchFilter(product.category, settings.minSales);
  const result = await ctx.store.hybridSearch({
    vector, keywords, filter, perLeg: settings.perLeg, top: settings.top, rrfK: settings.rrfK, weights: settings.weights,
  });
  const hits: MatchedHit[] = result.hits.map((h, i) => ({
    rank: i + 1, productId: h.product.id, score: h.score, denseRank: h.denseRank, keywordRank: h.keywordRank, product: h.product,
  }));
  const match: ProductMatch = { newId: product.newId, hits, keywords, filter };
  if (hits.length < settings.top) {
    match.shortfall =
      `only ${hits.length} hit product(s) in category "${product.category}" sold more than ${settings.minSales}` +
      ` (asked for ${settings.top}); lower --min-sales or add hits in this category`;
  }
  return match;
}
