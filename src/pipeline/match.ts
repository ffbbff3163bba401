/**
 * match: for each new product, the store's legs under one filter (same category, sold more than
 * --min-sales): dense (its image embedding), keyword (its category, style, season and prompt hint) and,
 * with a text-capable embedder, text (the embedding of those words against the image vectors). Then the
 * legs hitline ranks over the dense hits (neighbour words, seller fields) and the fusion, in hitline's own
 * code (search/fuse-match.ts), so every store gives the same order for the same legs. The legs return ids
 * only; the records of the dense hits (which the re-ranking legs read) and of the winners are fetched once.
 */
import { createHash } from 'node:crypto';
import type { LoadedImage, NewProduct } from '../core/product.js';
import type { MatchQuery } from '../core/run-summary.js';
import type { Embedder } from '../ports/embedder.js';
import { defaultMatchFilter, type Filter } from '../core/filter.js';
import { keywordText } from '../search/tokenize.js';
import { fuseMatch, type LegUse } from '../search/fuse-match.js';
import { DEFAULT_FUSION, LEG_NAMES, describeFusion, effectiveWeights, type FusionSettings, type LegName } from '../search/fusion-settings.js';
import type { LegHit, LegQuery, ProductRecord, VectorStore } from '../ports/vector-store.js';
import { HitlineError } from '../core/errors.js';
import type { EmbeddingCache } from './embedding-cache.js';

export interface MatchSettings {
  top: number;
  perLeg: number;
  rrfK: number;
  minSales: number;
  /** Method, leg weights and expansion; DEFAULT_FUSION when absent. */
  fusion?: FusionSettings;
}

export const DEFAULT_MATCH_SETTINGS: MatchSettings = { top: 3, perLeg: 100, rrfK: 60, minSales: 1500 };

export interface MatchedHit {
  /** Fused rank, from 1. */
  rank: number;
  productId: string;
  score: number;
  denseRank: number | null;
  keywordRank: number | null;
  /** Rank (from 1) in every leg that was fused, null where that leg did not rank this hit. */
  ranks: Partial<Record<LegName, number | null>>;
  product: ProductRecord;
}

/** What the query became: the fusion used, each leg's weight and size, the expansion terms. */
export interface MatchTrace {
  fusion: string;
  legs: LegUse[];
  /** Words the first dense hits share (the neighbours leg), with their votes. */
  expansion: Array<{ term: string; votes: number }>;
  /** The keyword leg's weight and, when "auto", the IDF mass of the seller's words it was read from. */
  keywordWeight: number;
  informativeness: number | null;
  /** How much the filter pinned the article (search/filter-focus.ts) and the colour/keyword boost it gave. */
  focus: { categoryShare: number | null; agreement: number; boost: number };
}

export interface ProductMatch {
  newId: string;
  hits: MatchedHit[];
  /** The keyword query that was searched (tokenized). */
  keywords: string;
  filter: Filter;
  trace: MatchTrace;
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

/** The seller's words as the text leg embeds them (empty when the row has none). */
export function sellerText(product: NewProduct): string {
  return [product.category, product.style, product.season, product.promptHint].map((s) => s.trim()).filter(Boolean).join(' ');
}

/** The cache key of a text embedding (the cache is keyed by sha256 hex, like image content hashes). */
export function textCacheKey(text: string): string {
  return createHash('sha256').update(`text\0${text}`).digest('hex');
}

/** Whether `match` will embed the seller's words for this product with this embedder and these settings. */
export function usesTextLeg(embedder: Embedder, settings: MatchSettings, product: NewProduct): boolean {
  return embedder.supportsText && Boolean(embedder.embedTexts) && effectiveWeights(settings.fusion ?? DEFAULT_FUSION).text > 0 && sellerText(product) !== '';
}

async function embedSellerWords(ctx: MatchContext, text: string): Promise<Float32Array> {
  const key = textCacheKey(text);
  const cached = await ctx.cache.get(key);
  if (cached) return cached;
  const [vector] = await ctx.embedder.embedTexts!([text]);
  await ctx.cache.put(key, vector);
  return vector;
}

export async function matchProduct(ctx: MatchContext, product: NewProduct, image: LoadedImage): Promise<ProductMatch> {
  const { settings, store } = ctx;
  const fusion = settings.fusion ?? DEFAULT_FUSION;
  const weights = effectiveWeights(fusion);
  const vector = await embedNewProductImage(ctx, image);
  const keywords = keywordText(product.category, product.style, product.season, product.promptHint);
  const terms = keywords ? keywords.split(' ') : [];
  const filter = defaultMatchFilter(product.category, settings.minSales);
  const leg: LegQuery = { filter, limit: settings.perLeg };
  const none: LegHit[] = [];
  const [dense, keyword, text, stats, categoryShare] = await Promise.all([
    store.denseSearch(vector, leg),
    weights.keyword !== 0 && terms.length > 0 ? store.keywordSearch(keywords, leg) : none,
    usesTextLeg(ctx.embedder, settings, product) ? embedSellerWords(ctx, sellerText(product)).then((v) => store.denseSearch(v, leg)) : undefined,
    weights.keyword === 'auto' && terms.length > 0 ? store.keywordStats(terms) : undefined,
    fusion.method !== 'rrf' && (fusion.focusBoost ?? 0) > 0 ? categoryShareOf(store, filter) : undefined,
  ]);
  const reranks = weights.neighbours > 0 || weights.style > 0 || weights.season > 0 || weights.color > 0 || categoryShare !== undefined;
  const records = await recordsOf(store, reranks ? dense.map((h) => h.id) : []);
  const fused = fuseMatch(
    { dense: ids(dense), keyword: ids(keyword), text: text && ids(text), candidates: records, categoryShare },
    { category: product.category, style: product.style, season: product.season, keywordTerms: terms },
    fusion,
    settings.rrfK,
    stats,
  );
  // One more read for winners only the keyword or text leg found (none when every winner was a dense hit).
  const winners = fused.hits.slice(0, settings.top);
  for (const [id, record] of await recordsOf(store, winners.map((w) => w.id).filter((id) => !records.has(id)))) records.set(id, record);
  const hits: MatchedHit[] = winners
    .filter((f) => records.has(f.id)) // deleted between the leg search and the read
    .map((f, i) => ({
      rank: i + 1, productId: f.id, score: f.score, denseRank: f.ranks.dense ?? null, keywordRank: f.ranks.keyword ?? null,
      ranks: Object.fromEntries(LEG_NAMES.filter((l) => l in f.ranks).map((l) => [l, f.ranks[l]])), product: records.get(f.id)!,
    }));
  const trace: MatchTrace = {
    fusion: describeFusion(fusion, settings.perLeg, settings.rrfK), legs: fused.legs, expansion: fused.expansion,
    keywordWeight: fused.keyword.weight, informativeness: fused.keyword.informativeness,
    focus: { categoryShare: fused.focus.categoryShare, agreement: fused.focus.agreement, boost: fused.focus.boost },
  };
  const match: ProductMatch = { newId: product.newId, hits, keywords, filter, trace };
  if (hits.length < settings.top) {
    match.shortfall =
      `only ${hits.length} hit product(s) in category "${product.category}" sold more than ${settings.minSales}` +
      ` (asked for ${settings.top}); lower --min-sales or add hits in this category`;
  }
  return match;
}

const ids = (hits: readonly LegHit[]) => hits.map((h) => h.id);

/**
 * What the query became, as `match --json`, summary.json and POST /api/match show it: the keyword query,
 * the fusion, each leg fused with its weight and size, the keyword weight and what it was read from, and
 * the expansion terms.
 */
export function queryJson(m: ProductMatch): MatchQuery {
  return {
    keywords: m.keywords, fusion: m.trace.fusion, legs: m.trace.legs, keywordWeight: m.trace.keywordWeight,
    informativeness: m.trace.informativeness, expansion: m.trace.expansion, focus: m.trace.focus,
  };
}

/** "dense #1, keyword –, neighbours #3": the hit's rank in each leg that was fused (– where a leg did not rank it). */
export function legRanksText(hit: MatchedHit): string {
  return Object.entries(hit.ranks).map(([leg, r]) => `${leg} ${r === null ? '–' : `#${r}`}`).join(', ');
}

/** Share of the rows the rest of the filter keeps that the category keeps too (filter-focus.ts's narrowness). */
async function categoryShareOf(store: VectorStore, filter: Filter): Promise<number | undefined> {
  const [kept, scope] = await Promise.all([store.count(filter), store.count(filter.filter((c) => c.field !== 'category'))]);
  return scope > 0 ? kept / scope : undefined;
}

async function recordsOf(store: VectorStore, wanted: readonly string[]): Promise<Map<string, ProductRecord>> {
  if (wanted.length === 0) return new Map();
  return new Map((await store.get(wanted)).map((r) => [r.id, r]));
}
